"""Give a test resident points the way the domain does: one earn entry through points.ledger.post."""
import uuid
from datetime import datetime

from db.engine import write_session
from points.ledger.chain import post


def credit(user_id: int, points: int, *, co2e_g: int | None = None, action_code: str = "metro",
           now: datetime | None = None) -> int:
    """Post an earn entry of `points` (and as many grams unless told) and return its id."""
    with write_session() as session:
        entry = post(session, user_id=user_id, kind="earn", points=points,
                     co2e_g=points if co2e_g is None else co2e_g, idempotency_key=f"test:{uuid.uuid4()}",
                     request={"points": points}, action_code=action_code, now=now).entry
        return entry.id
