"""`manage.py remind-events`: tell residents who signed up for an event that it starts within a day.

Run it as often as you like (hourly by cron): the message's key `event-tomorrow:{event}:{user}` makes each
reminder once. The sign-ups are read first; each event's reminders are then one short transaction.
"""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from db.engine import read_session, write_session
from db.models import Checkpoint, EventSignup, User
from points.common.clock import utcnow
from points.inbox.messages import notify

AHEAD = timedelta(hours=24)


def remind_events(*, now: datetime | None = None) -> int:
    """Remind everyone signed up for a published event starting in the next 24 hours; the reminders sent."""
    now = now or utcnow()
    with read_session() as session:
        rows = session.execute(
            select(Checkpoint, col(EventSignup.user_id))
            .join(EventSignup, col(EventSignup.checkpoint_id) == col(Checkpoint.id))
            .join(User, col(User.id) == col(EventSignup.user_id))
            .where(col(Checkpoint.kind) == "event", col(Checkpoint.status) == "published",
                   col(Checkpoint.starts_at) > now, col(Checkpoint.starts_at) <= now + AHEAD,
                   col(User.deleted_at).is_(None), ~col(User.disabled))
            .order_by(col(Checkpoint.id), col(EventSignup.user_id))).all()
    by_event: dict[int, tuple[Checkpoint, list[int]]] = {}
    for event, user_id in rows:
        by_event.setdefault(event.id, (event, []))[1].append(user_id)
    sent = 0
    for event, users in by_event.values():
        params = {"title_zh": event.title_zh, "title_en": event.title_en, "starts_at": event.starts_at.isoformat()}
        with write_session() as session:
            sent += sum(notify(session, user_id=user_id, topic="event_tomorrow", params=params,
                               key=f"event-tomorrow:{event.id}:{user_id}", now=now) for user_id in users)
    return sent
