"""Failed sign-ins recorded without spending argon2 time, for tests that need a backed-off client or account."""
from db.engine import write_session
from points.accounts.users import SignInAttempt, finish_signin
from points.common.clock import utcnow

ATTACKER = "198.51.100.66"


def fail_signins(username: str, *, client: str = ATTACKER, times: int = 5, now=None) -> None:
    """What `times` wrong passwords for `username` from `client` at `now` leave behind."""
    attempt = SignInAttempt(username=username, client=client, user_id=None, password_hash=None)
    for _ in range(times):
        with write_session() as session:
            finish_signin(session, attempt=attempt, verified=False, now=now or utcnow())
