"""The mail outbox: e-mail copies of inbox messages wait in the database until a sender delivers them.

A letter is a row added in the transaction that stores its inbox message, so a rollback drops it, a commit keeps
it, and nothing in a page's run talks to an SMTP server. Senders (points/inbox/sender.py) go through three short
transactions per round, never one held across SMTP:
1. `claim_due` takes the oldest due rows and sets their `retry_at` a lease ahead, so that no other sender takes
   them while this one sends;
2. the sender sends, outside any transaction;
3. `mark_sent` (one row, right after the server accepted it) or `mark_failed` (attempts + 1, the error, a backoff
   that grows with the attempts; after MAX_ATTEMPTS the row is given up and stays, with its error, for the operator).
A sent letter is kept KEEP_SENT (a resident asking "did you mail me?" gets an answer), then `prune_sent` deletes
it: it holds an address and the words of a message, which the inbox keeps anyway.

Two senders at once: on PostgreSQL the claim reads FOR UPDATE SKIP LOCKED, so a second sender passes over rows
another is claiming and takes the next ones; once the claim commits, its lease keeps them out of every later
claim. On SQLite there are no row locks: the claim's BEGIN IMMEDIATE makes claims take turns, and the lease then
works the same, so a second sender is harmless, but one (the portal's thread or cron) is all a SQLite city needs.
A sender that dies after the server accepted a letter but before marking it leaves it claimed: it is sent again
when the lease ends. Delivery is at least once, never silently lost; the letter's Message-ID is its row's, so a
mail client can recognise the repeat.
"""
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from db.engine import is_sqlite, read_session, write_session
from db.models import MailOutbox

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=5)  # then 15, 45 and 135 minutes: three times longer after each failure
LEASE = timedelta(minutes=15)  # a claim of CLAIM_BATCH letters sends (or times out) well within it
CLAIM_BATCH = 20
ERROR_LENGTH = 400  # MailOutbox.last_error
KEEP_SENT = timedelta(days=30)
PRUNE_BATCH = 500  # rows per pruning transaction: a backlog of months is cleared over rounds, never in one lock


def queue_letter(session: Session, *, user_id: int, address: str, language: str, subject: str, body: str,
                 now: datetime) -> None:
    """Add a letter in the caller's transaction; it exists exactly when the message it copies does."""
    session.add(MailOutbox(user_id=user_id, address=address, language=language, subject=subject, body=body,
                           created_at=now))


def claim_due(*, limit: int, now: datetime) -> list[MailOutbox]:
    """Up to `limit` unsent letters whose time has come, oldest first, leased to the caller.

    A read first: most rounds find nothing due, and they should not take the write lock to learn it (a letter
    queued just after that read goes out next round)."""
    due = (select(MailOutbox)
           .where(col(MailOutbox.sent_at).is_(None), col(MailOutbox.attempts) < MAX_ATTEMPTS,
                  or_(col(MailOutbox.retry_at).is_(None), col(MailOutbox.retry_at) <= now))
           .order_by(col(MailOutbox.created_at), col(MailOutbox.id)).limit(limit))
    with read_session() as session:
        if session.execute(due.with_only_columns(col(MailOutbox.id)).limit(1)).first() is None:
            return []
    with write_session() as session:
        if not is_sqlite(session.get_bind()):
            due = due.with_for_update(skip_locked=True)
        letters = list(session.exec(due))
        for letter in letters:
            letter.retry_at = now + LEASE
            session.add(letter)
    return letters


def mark_sent(letter: MailOutbox, *, now: datetime) -> None:
    with write_session() as session:
        session.execute(update(MailOutbox).where(col(MailOutbox.id) == letter.id, col(MailOutbox.sent_at).is_(None))
                        .values(sent_at=now, attempts=MailOutbox.attempts + 1, retry_at=None, last_error=None))


def mark_failed(letters: list[MailOutbox], *, error: str, now: datetime) -> int:
    """Count a failed attempt on each letter and set when it may be tried again; how many were given up."""
    given_up = 0
    with write_session() as session:
        for letter in letters:
            attempts = letter.attempts + 1
            given_up += attempts >= MAX_ATTEMPTS
            session.execute(update(MailOutbox).where(col(MailOutbox.id) == letter.id)
                            .values(attempts=attempts, last_error=error[:ERROR_LENGTH],
                                    retry_at=now + FIRST_RETRY * 3 ** (attempts - 1)))
    return given_up


def prune_sent(*, now: datetime) -> int:
    """Delete up to PRUNE_BATCH letters sent more than KEEP_SENT ago (through the queue index); how many.

    Found in a read first: the sender calls this every round, and on SQLite a write transaction opened to delete
    nothing would still hold up every credit in the city while it waits for the lock."""
    with read_session() as session:
        old = session.execute(select(col(MailOutbox.id)).where(col(MailOutbox.sent_at) < now - KEEP_SENT)
                              .order_by(col(MailOutbox.sent_at)).limit(PRUNE_BATCH)).scalars().all()
    if not old:
        return 0
    with write_session() as session:  # a sent letter never changes again; erasure may have deleted some meanwhile
        return session.connection().execute(delete(MailOutbox).where(col(MailOutbox.id).in_(old))).rowcount


def forget_letters(session: Session, *, user_id: int, sent_too: bool) -> None:
    """Delete the resident's unsent letters (a withdrawn or changed address), or all of them (an erased account:
    a sent row still holds the address and the words of their messages)."""
    statement = delete(MailOutbox).where(col(MailOutbox.user_id) == user_id)
    if not sent_too:
        statement = statement.where(col(MailOutbox.sent_at).is_(None))
    session.execute(statement)
