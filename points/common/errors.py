"""One exception type with a named code, so every refusal reaches the user as a translated message."""


class DomainError(Exception):
    """A refusal the user should see: `code` names the message key `error.<code>`; params fill it in."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.params!r})"
