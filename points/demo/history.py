"""Demo only: a few past verified actions for the demo resident, so the score and rewards have something to show.

Each comes through the channel that would verify it in the city: trips from the demo metro operator, paper
from a station attendant's scale, volunteering from an event's checkpoint.
"""
from datetime import datetime, timedelta

from sqlmodel import Session

from points.accounts.users import find_user
from points.claims.channels import CHECKPOINT, PARTNER, STAFF
from points.claims.lifecycle import record_verified
from points.common.clock import local_day, local_day_bounds, utcnow
from points.demo.partners import DEMO_LINK
from points.partners.registry import partner_by_name

# (key, days ago, action, quantity, source): about 5,000 points, within every daily cap. A key's action and
# quantity never change (a re-run replays it); entry 2 was a bike trip, which no demo partner reports.
DEMO_ACTIONS = (("0", 1, "metro", 30, PARTNER), ("1", 2, "metro", 30, PARTNER), ("bus", 3, "bus", 10, PARTNER),
                ("3", 5, "paper", 4, STAFF), ("4", 9, "metro", 20, PARTNER), ("5", 15, "volunteer", 3, CHECKPOINT))


def load_demo_history(session: Session, *, now: datetime | None = None) -> int:
    """Credit the demo resident's sample actions through the claims domain; the keys make it run once."""
    resident, attendant = find_user(session, username="resident"), find_user(session, username="organizer")
    if resident is None or resident.id is None:
        return 0
    metro = partner_by_name(session, name=DEMO_LINK[1])  # seeded just before (points.demo.seed)
    now, added = now or utcnow(), 0
    for key, days_ago, code, quantity, source in DEMO_ACTIONS:
        # noon of that local day: "a day ago" is yesterday at any hour, so today's caps are the visitor's own
        when = local_day_bounds(local_day(now) - timedelta(days=days_ago))[0] + timedelta(hours=12)
        result = record_verified(session, user_id=resident.id, action_code=code, quantity=quantity,
                                 occurred_at=when, idempotency_key=f"demo:history:{key}", source=source,
                                 partner_id=metro.id if source == PARTNER else None,
                                 created_by=attendant.id if source == STAFF and attendant else None, now=when)
        added += int(result.created)
    return added
