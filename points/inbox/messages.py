"""The inbox: a message is stored as a topic and parameters, never as text, so it reads in whatever language its
reader uses today. `notify` runs inside the caller's transaction: the message exists exactly when what it tells
of does, and a key makes a retry (or a command run twice) store it once."""
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.engine import insert_for
from db.models import InboxMessage
from points.common.clock import utcnow
from points.inbox.mail import queue_copy

PAGE_SIZE = 50


def notify(session: Session, *, user_id: int, topic: str, params: dict, key: str,
           now: datetime | None = None) -> bool:
    """Store one message for `user_id` unless `key` was used before; True when it is new.

    `params` must be JSON values; a pair `name_zh` / `name_en` is read as `name` in the reader's language.
    The e-mail copy, if any, joins the outbox in the caller's transaction and leaves later (points/inbox/sender.py).
    """
    now = now or utcnow()
    inserted = session.execute(
        insert_for(session, InboxMessage)
        .values(user_id=user_id, topic=topic, params=params, key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(InboxMessage.id))
    ).scalar_one_or_none()
    if inserted is None:
        return False
    queue_copy(session, user_id=user_id, topic=topic, params=params, now=now)
    return True


def recent(session: Session, *, user_id: int, limit: int = PAGE_SIZE) -> list[InboxMessage]:
    """The user's messages, newest first."""
    return list(session.exec(select(InboxMessage).where(InboxMessage.user_id == user_id)
                             .order_by(col(InboxMessage.created_at).desc(), col(InboxMessage.id).desc())
                             .limit(limit)))


def unread_count(session: Session, *, user_id: int) -> int:
    return session.exec(select(func.count()).select_from(InboxMessage)
                        .where(InboxMessage.user_id == user_id, col(InboxMessage.read_at).is_(None))).one()


def mark_read(session: Session, *, user_id: int, message_ids: list[int] | None = None,
              now: datetime | None = None) -> int:
    """Mark the user's unread messages read (only these ids, when given); another user's ids are left alone."""
    statement = update(InboxMessage).where(col(InboxMessage.user_id) == user_id, col(InboxMessage.read_at).is_(None))
    if message_ids is not None:
        statement = statement.where(col(InboxMessage.id).in_(message_ids))
    return len(session.execute(statement.values(read_at=now or utcnow()).returning(col(InboxMessage.id))).all())
