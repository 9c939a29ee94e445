"""Password rules and hashing (argon2id through argon2-cffi).

Hashing and verifying are the slow part of every account write (~0.2 s): they run before any write
transaction opens, never inside one (on SQLite a write transaction holds the whole city's database).
"""
import threading
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from db.config import ASSETS_DIR
from points.common.errors import DomainError

MIN_LENGTH, MAX_LENGTH = 8, 128
MIN_STRENGTH = 2  # zxcvbn's score 0-4: 2 and up survive an online attack that is throttled as ours is
COMMON_PASSWORDS_FILE = ASSETS_DIR / "common_passwords.txt"
_hasher = PasswordHasher()
_zxcvbn_lock = threading.Lock()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class NewPassword:
    """A password that passed the rules, already hashed: built before the write that stores it."""

    hash: str


def _personal_words(username: str, display_name: str) -> list[str]:
    """What zxcvbn should treat as easy to guess for this person: the names and each word of them."""
    return [word for word in (username, display_name, *display_name.split()) if word]


def _strength(password: str, personal_words: list[str]) -> int:
    """zxcvbn keeps the personal words in a module-wide dictionary while it scores: one call at a time."""
    with _zxcvbn_lock:
        return zxcvbn(password, user_inputs=personal_words, max_length=MAX_LENGTH)["score"]


def check_new_password(password: str, *, username: str = "", display_name: str = "") -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise DomainError("password_length", min=MIN_LENGTH, max=MAX_LENGTH)
    if password.lower() in common_passwords() or (username and password.lower() == username.lower()):
        raise DomainError("password_common")
    if _strength(password, _personal_words(username, display_name)) < MIN_STRENGTH:
        raise DomainError("password_weak")


def new_password(password: str, *, username: str = "", display_name: str = "") -> NewPassword:
    """Check the rules, then hash: call it with no transaction open."""
    check_new_password(password, username=username, display_name=display_name)
    return NewPassword(hash_password(password))


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
