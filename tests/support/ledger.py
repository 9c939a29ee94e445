"""Points for test residents the way the domain gives them: claims, verified actions, bare ledger credits."""
import uuid
from datetime import UTC, datetime

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Balance, LedgerEntry
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import record_verified, submit_claim
from points.ledger.chain import post

# 2026-03-10 12:00 in Xiamen (UTC+8), a Tuesday.
NOON = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


def load() -> int:
    with write_session() as session:
        return load_catalogue(session)


def key() -> str:
    return f"claim:{uuid.uuid4()}"


def log(user_id: int, code: str, quantity: float, *, when: datetime = NOON, now: datetime | None = None,
        idempotency_key: str | None = None, **extra):
    with write_session() as session:
        return submit_claim(session, user_id=user_id, action_code=code, quantity=quantity, occurred_at=when,
                            idempotency_key=idempotency_key or key(), now=now or when, **extra)


def verified(user_id: int, code: str, quantity: float, *, when: datetime = NOON, **extra):
    with write_session() as session:
        return record_verified(session, user_id=user_id, action_code=code, quantity=quantity, occurred_at=when,
                               idempotency_key=key(), now=when, **extra)


def balance_of(user_id: int) -> Balance:
    with read_session() as session:
        return session.get(Balance, user_id)


def entries_of(user_id: int) -> list[LedgerEntry]:
    with read_session() as session:
        return list(session.exec(select(LedgerEntry).where(LedgerEntry.user_id == user_id)
                                 .order_by(LedgerEntry.seq)).all())


def credit(user_id: int, points: int, *, co2e_g: int | None = None, action_code: str = "metro",
           now: datetime | None = None) -> int:
    """Post an earn entry of `points` (and as many grams unless told) and return its id."""
    with write_session() as session:
        entry = post(session, user_id=user_id, kind="earn", points=points,
                     co2e_g=points if co2e_g is None else co2e_g, idempotency_key=f"test:{uuid.uuid4()}",
                     request={"points": points}, action_code=action_code, now=now).entry
        return entry.id
