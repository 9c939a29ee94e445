"""Closing a checkpoint: check-ins stop, and an event's volunteers who never checked out are settled at its end.

A module of its own because closing needs both halves of the package: the checkpoint's status (checkpoints)
and the settlement of attendance (decision), which itself reads checkpoints; neither imports the other back.
"""
from datetime import datetime

from sqlmodel import Session

from db.models import Checkpoint
from points.checkin.checkpoints import set_status
from points.checkin.decision import close_missing_checkouts
from points.common.clock import utcnow


def close(session: Session, *, actor_id: int, checkpoint_id: int, now: datetime | None = None) -> Checkpoint:
    """Stop check-ins; volunteers who never checked out are closed at the event's end and flagged."""
    now = now or utcnow()
    checkpoint = set_status(session, actor_id=actor_id, checkpoint_id=checkpoint_id, status="closed", now=now)
    close_missing_checkouts(session, checkpoint=checkpoint, now=now)
    return checkpoint
