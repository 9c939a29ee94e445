"""A real SMTP server (aiosmtpd) on a free local port, which keeps what it receives and counts connections, and the
settings that point the portal at it (or at a port where nothing listens)."""
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Mailbox:
    """aiosmtpd's handler: the letters received, as (recipients, message); addresses in `refused` get a 550."""

    def __init__(self) -> None:
        self.letters: list[tuple[list[str], EmailMessage]] = []
        self.connections = 0
        self.refused: set[str] = set()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802
        self.letters.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    @property
    def subjects(self) -> list[str]:
        return [letter["Subject"] for _, letter in self.letters]


class _CountingController(Controller):
    def factory(self):  # called once for every connection the server accepts
        self.handler.connections += 1
        return super().factory()


def free_port() -> int:
    """A port nothing listens on (bound, read and closed): connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_mail_at(monkeypatch, port: int) -> None:
    monkeypatch.setenv("GREEN_EGRET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GREEN_EGRET_SMTP_PORT", str(port))
    monkeypatch.setenv("GREEN_EGRET_SMTP_STARTTLS", "0")
    monkeypatch.setenv("GREEN_EGRET_MAIL_FROM", "egret@city.example")


@contextmanager
def smtp_server(monkeypatch) -> Iterator[Mailbox]:
    """Start the server, point the portal's mail settings at it, stop it afterwards."""
    mailbox = Mailbox()
    server = _CountingController(mailbox, hostname="127.0.0.1", port=free_port())
    server.start()
    mailbox.connections = 0  # start() opened one connection of its own to check the server is up
    point_mail_at(monkeypatch, server.port)
    try:
        yield mailbox
    finally:
        server.stop()
