"""Password rules and hashing (argon2id through argon2-cffi)."""
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from points.errors import DomainError

MIN_LENGTH, MAX_LENGTH = 8, 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "assets" / "common_passwords.txt"
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_new_password(password: str, *, username: str = "") -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise DomainError("password_length", min=MIN_LENGTH, max=MAX_LENGTH)
    if password.lower() in common_passwords() or (username and password.lower() == username.lower()):
        raise DomainError("password_common")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("no such user, same time spent")


def spend_verification_time(password: str) -> None:
    """Verify against a dummy hash so an unknown username costs as long as a wrong password."""
    verify_password(_dummy_hash(), password)
