"""Two senders drain the outbox at once (cron's `send-mail` beside the portal's thread, or two replicas): each letter
reaches the server exactly once. On PostgreSQL the claims skip each other's locked rows; on SQLite they take turns."""
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import MailOutbox
from points.inbox import outbox, sender
from tests.support.race import run_together
from tests.support.smtp import smtp_server

LETTERS, SENDERS = 60, 2


def drain() -> int:
    return sender.send_due().sent


def test_two_senders_at_once_deliver_every_letter_exactly_once(make_user, database, monkeypatch):
    ann = make_user("ann")
    start = datetime.now(UTC) - timedelta(hours=1)
    with write_session() as session:
        for number in range(LETTERS):
            outbox.queue_letter(session, user_id=ann.id, address="ann@example.org", language="en",
                                subject=f"letter {number}", body="hello", now=start + timedelta(seconds=number))
    monkeypatch.setattr(sender, "CLAIM_BATCH", 3)  # many small claims, so the senders' claims interleave
    with smtp_server(monkeypatch) as smtp:
        outcomes = run_together(drain, [()] * SENDERS, database)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    assert sum(sent for _, sent in outcomes) == LETTERS
    assert sorted(smtp.subjects) == sorted(f"letter {number}" for number in range(LETTERS))
    with read_session() as session:
        rows = list(session.exec(select(MailOutbox)))
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
