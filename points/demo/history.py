"""Demo only: a few past verified actions for the demo resident, so the score and rewards have something to show."""
from datetime import datetime, timedelta

from sqlmodel import Session

from points.accounts.users import find_user
from points.claims.lifecycle import record_verified
from points.common.clock import utcnow

# (days ago, action, quantity): about 4,500 points, four categories, within every daily cap.
DEMO_ACTIONS = ((1, "metro", 30), (2, "metro", 30), (3, "bike", 10), (5, "paper", 4), (9, "metro", 20),
                (15, "volunteer", 3))


def load_demo_history(session: Session, *, now: datetime | None = None) -> int:
    """Credit the demo resident's sample actions through the claims domain; the keys make it run once."""
    resident = find_user(session, username="resident")
    if resident is None or resident.id is None:
        return 0
    now, added = now or utcnow(), 0
    for index, (days_ago, code, quantity) in enumerate(DEMO_ACTIONS):
        when = now - timedelta(days=days_ago)
        result = record_verified(session, user_id=resident.id, action_code=code, quantity=quantity,
                                 occurred_at=when, idempotency_key=f"demo:history:{index}", now=when)
        added += int(result.created)
    return added
