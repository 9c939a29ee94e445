"""Set-ups the admin console's tests share: the catalogue, and a claim waiting in the review queue."""
import uuid
from datetime import datetime

from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AuditLog, Balance, LedgerEntry
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import prepare_photo, submit_claim
from points.common.clock import utcnow


def with_catalogue() -> None:
    with write_session() as session:
        load_catalogue(session)


def pending_claim(user_id: int, *, action_code: str = "metro", quantity: float = 50.0,
                  now: datetime | None = None, photo: bytes | None = None) -> int:
    """A metro trip above the 40 km plausibility limit: it waits for an admin (approved, the self-report earns
    467 points: half of 20 km, its own cap)."""
    now = now or utcnow()
    evidence = prepare_photo(photo)  # as the page does: before the write transaction
    with write_session() as session:
        result = submit_claim(session, user_id=user_id, action_code=action_code, quantity=quantity,
                              occurred_at=now, idempotency_key=f"claim:{uuid.uuid4()}", now=now, photo=evidence)
    assert result.status == "pending"
    return result.claim.id


def balance_points(user_id: int) -> int:
    with read_session() as session:
        return session.get(Balance, user_id).points


def row_counts() -> tuple[int, int]:
    """(ledger entries, audit rows): what a refused admin action must leave unchanged."""
    with read_session() as session:
        return (session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one(),
                session.execute(select(func.count()).select_from(AuditLog)).scalar_one())
