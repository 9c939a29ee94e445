"""E-mail copies of inbox messages, through the outbox to a real SMTP server (aiosmtpd) started here: a letter is
written with its message (never when the transaction rolls back, only for residents who opted in), nothing talks
to SMTP until `send-mail` (or the portal's sender thread) sends it, once, and a server that is down or refuses
costs the letter an attempt, not the sender a crash."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from db.engine import get_engine, read_session, write_session
from db.models import MailOutbox
from manage import main
from points.accounts.privacy import delete_my_account
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.inbox import outbox, sender
from points.inbox.mail import mail_address, set_mail_address
from points.inbox.messages import notify
from points.inbox.sender import send_due, start_sender
from tests.support.smtp import free_port, point_mail_at, smtp_server


@pytest.fixture
def smtp(monkeypatch):
    with smtp_server(monkeypatch) as mailbox:
        yield mailbox


def opt_in(user_id: int, *, opted_in: bool = True, address: str = "ann@example.org") -> None:
    with write_session() as session:
        set_mail_address(session, user_id=user_id, address=address, opted_in=opted_in)


def expiring(session, user_id: int, key: str = "k1") -> bool:
    return notify(session, user_id=user_id, topic="points_expiring", key=key,
                  params={"points": 120, "year": "2025", "expires_on": "2026-12-31"})


def letters() -> list[MailOutbox]:
    with read_session() as session:
        return list(session.exec(select(MailOutbox).order_by(col(MailOutbox.id))))


def send_mail(capsys, *args: str) -> str:
    assert main(["send-mail", *args]) == 0
    return capsys.readouterr().out.strip()


def test_a_committed_message_leaves_a_letter_in_the_outbox_and_talks_to_no_smtp_server(make_user, smtp):
    ann = make_user("ann", language="en")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    [letter] = letters()
    assert (letter.user_id, letter.address, letter.language) == (ann.id, "ann@example.org", "en")
    assert letter.subject == "120 points expire on 31 December 2026"
    assert (letter.sent_at, letter.attempts, letter.last_error) == (None, 0, None)
    assert smtp.connections == 0 and smtp.letters == []


def test_send_mail_delivers_the_letter_once_however_often_it_runs(make_user, smtp, capsys):
    ann = make_user("ann", language="en")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    assert send_mail(capsys) == "mail sent: 1, failed: 0 (given up: 0)"
    assert send_mail(capsys) == "mail sent: 0, failed: 0 (given up: 0)"
    [(recipients, letter)] = smtp.letters
    assert recipients == ["ann@example.org"]
    assert letter["From"] == "egret@city.example"
    assert letter["Subject"] == "120 points expire on 31 December 2026"
    assert "120 of the points you earned in 2025 expire on 31 December 2026" in letter.get_content()
    assert "http://localhost:8501/inbox" in letter.get_content()
    [row] = letters()
    assert row.sent_at is not None and row.attempts == 1
    assert smtp.connections == 1  # the second run found nothing due and did not connect


def test_the_letter_is_in_the_residents_own_language(make_user, smtp):
    ann = make_user("ann", language="zh")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    assert send_due().sent == 1
    assert smtp.subjects == ["120 积分将于 2026年12月31日 到期"]


def test_a_rolled_back_message_leaves_no_letter(make_user, smtp, capsys):
    ann = make_user("ann")
    opt_in(ann.id)
    with pytest.raises(RuntimeError), write_session() as session:
        expiring(session, ann.id)
        raise RuntimeError("the action failed after the message")
    assert letters() == []
    assert send_mail(capsys) == "mail sent: 0, failed: 0 (given up: 0)"
    assert smtp.letters == []


def test_no_letter_without_an_opt_in_or_for_a_repeated_key(make_user, smtp):
    ann, bob = make_user("ann"), make_user("bob")
    opt_in(bob.id, opted_in=False, address="bob@example.org")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, bob.id, key="b")
        expiring(session, ann.id, key="a")
    with write_session() as session:
        expiring(session, ann.id, key="a")
    assert [letter.address for letter in letters()] == ["ann@example.org"]


def test_mail_is_off_without_an_smtp_host(make_user, smtp, monkeypatch, capsys):
    ann = make_user("ann")
    opt_in(ann.id)
    monkeypatch.delenv("GREEN_EGRET_SMTP_HOST")
    with write_session() as session:
        expiring(session, ann.id)
    assert letters() == []
    assert send_mail(capsys) == "mail is off: GREEN_EGRET_SMTP_HOST is not set"


def test_a_server_that_is_down_costs_an_attempt_and_the_letter_waits_for_the_backoff(make_user, monkeypatch,
                                                                                     capsys):
    ann = make_user("ann")
    point_mail_at(monkeypatch, free_port())  # nothing listens: the connection is refused
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    reply = send_mail(capsys)
    assert reply.startswith("mail sent: 0, failed: 1 (given up: 0); last error: ConnectionRefusedError")
    [row] = letters()
    assert row.sent_at is None and row.attempts == 1 and row.last_error.startswith("ConnectionRefusedError")
    with smtp_server(monkeypatch) as smtp:
        assert send_due(now=row.retry_at - timedelta(seconds=1)).sent == 0  # still backing off
        assert send_due(now=row.retry_at).sent == 1
    assert len(smtp.letters) == 1 and letters()[0].attempts == 2


def test_after_the_last_attempt_the_letter_is_given_up_with_its_error(make_user, monkeypatch):
    ann = make_user("ann")
    point_mail_at(monkeypatch, free_port())
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    now = utcnow()
    runs = [send_due(now=(now := now + timedelta(days=1))) for _ in range(outbox.MAX_ATTEMPTS)]
    assert [(run.failed, run.given_up) for run in runs] == [(1, 0)] * (outbox.MAX_ATTEMPTS - 1) + [(1, 1)]
    with smtp_server(monkeypatch) as smtp:
        assert send_due(now=now + timedelta(days=30)).sent == 0
    [row] = letters()
    assert smtp.letters == [] and row.sent_at is None and row.attempts == outbox.MAX_ATTEMPTS
    assert row.last_error.startswith("ConnectionRefusedError")


def test_a_refused_address_fails_alone_and_the_others_go_oldest_first(make_user, smtp):
    users = [make_user(name) for name in ("ann", "bob", "cyd")]
    for user in users:
        opt_in(user.id, address=f"{user.username}@example.org")
    smtp.refused.add("bob@example.org")
    with write_session() as session:
        for user in users:
            expiring(session, user.id, key=user.username)
    run = send_due()
    assert (run.sent, run.failed) == (2, 1)
    assert [recipients for recipients, _ in smtp.letters] == [["ann@example.org"], ["cyd@example.org"]]
    refused = next(row for row in letters() if row.address == "bob@example.org")
    assert refused.sent_at is None and refused.attempts == 1 and "SMTPRecipientsRefused" in refused.last_error


def test_letters_sent_long_ago_are_deleted_and_recent_or_unsent_ones_stay(make_user, smtp):
    ann = make_user("ann", language="en")
    opt_in(ann.id)
    with write_session() as session:
        for key in ("old", "recent", "unsent"):
            expiring(session, ann.id, key=key)
    now = utcnow()
    old, recent, unsent = (letter.id for letter in letters())
    outbox.mark_sent(next(x for x in letters() if x.id == old), now=now - outbox.KEEP_SENT - timedelta(hours=1))
    outbox.mark_sent(next(x for x in letters() if x.id == recent), now=now - outbox.KEEP_SENT + timedelta(hours=1))
    assert send_due(limit=0, now=now).sent == 0  # a round with no room to send: it only prunes
    assert [letter.id for letter in letters()] == [recent, unsent]


def test_a_round_with_nothing_to_prune_or_send_opens_no_write(make_user, smtp):
    """The sender wakes every 30 seconds: with no letter due and none old enough to delete, it only reads."""
    ann = make_user("ann", language="en")
    opt_in(ann.id)
    writes: list[bool] = []
    engine = get_engine()
    listener = lambda connection: writes.append(not connection.get_execution_options().get("readonly"))  # noqa: E731
    event.listen(engine, "begin", listener)
    try:
        assert send_due(now=utcnow()).sent == 0
    finally:
        event.remove(engine, "begin", listener)
    assert writes and not any(writes)


def test_limit_sends_at_most_that_many_letters(make_user, smtp, capsys):
    users = [make_user(name) for name in ("ann", "bob", "cyd")]
    with write_session() as session:
        for user in users:
            set_mail_address(session, user_id=user.id, address=f"{user.username}@example.org", opted_in=True)
            expiring(session, user.id, key=user.username)
    assert send_mail(capsys, "--limit", "2") == "mail sent: 2, failed: 0 (given up: 0)"
    assert send_mail(capsys) == "mail sent: 1, failed: 0 (given up: 0)"
    assert [recipients for recipients, _ in smtp.letters] == [["ann@example.org"], ["bob@example.org"],
                                                              ["cyd@example.org"]]


def test_withdrawing_the_address_drops_the_letters_not_sent_yet(make_user, smtp):
    ann, bob = make_user("ann"), make_user("bob")
    opt_in(ann.id)
    opt_in(bob.id, address="bob@example.org")
    with write_session() as session:
        expiring(session, ann.id, key="a")
        expiring(session, bob.id, key="b")
    opt_in(ann.id, opted_in=False)
    assert send_due().sent == 1
    assert [recipients for recipients, _ in smtp.letters] == [["bob@example.org"]]


def test_deleting_the_account_deletes_every_letter_to_it(make_user, smtp):
    ann, bob = make_user("ann", password="correct-horse-9"), make_user("bob")
    opt_in(ann.id)
    opt_in(bob.id, address="bob@example.org")
    with write_session() as session:
        expiring(session, ann.id, key="sent")
    send_due()
    with write_session() as session:
        expiring(session, ann.id, key="unsent")
        expiring(session, bob.id, key="bob")
    delete_my_account(user_id=ann.id, password="correct-horse-9")
    assert [(letter.address, letter.sent_at) for letter in letters()] == [("bob@example.org", None)]


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_sender_thread_starts_only_with_smtp_set_up(monkeypatch):
    monkeypatch.delenv("GREEN_EGRET_SMTP_HOST", raising=False)
    assert start_sender() is None


def test_the_sender_thread_survives_failed_rounds_and_sends_once_the_server_is_up(make_user, monkeypatch):
    ann = make_user("ann")
    point_mail_at(monkeypatch, free_port())
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    monkeypatch.setattr(outbox, "FIRST_RETRY", timedelta(0))  # a failed letter is due again at the next round
    rounds = []

    def database_away_at_first(**kwargs):
        rounds.append(kwargs)
        if len(rounds) == 1:
            raise RuntimeError("the database went away")
        return outbox.claim_due(**kwargs)

    monkeypatch.setattr(sender, "claim_due", database_away_at_first)
    stop = threading.Event()
    thread = start_sender(interval=0.05, stop=stop)
    assert thread is not None
    try:
        assert start_sender() is thread  # one sender a process
        wait_until(lambda: letters()[0].attempts >= 2)  # a round that raised, then rounds the server refused
        assert thread.is_alive()
        with smtp_server(monkeypatch) as smtp:
            wait_until(lambda: letters()[0].sent_at is not None)
            stop.set()
            thread.join(timeout=10)
        assert len(smtp.letters) == 1
    finally:
        stop.set()
        thread.join(timeout=10)


def test_an_address_that_is_not_one_is_refused_and_an_empty_one_removes_it(make_user):
    ann = make_user("ann")
    with pytest.raises(DomainError) as refused, write_session() as session:
        set_mail_address(session, user_id=ann.id, address="ann at home", opted_in=True)
    assert refused.value.code == "inbox_mail_address_invalid"
    opt_in(ann.id)
    with write_session() as session:
        set_mail_address(session, user_id=ann.id, address=" ", opted_in=True)
    with write_session() as session:
        assert mail_address(session, user_id=ann.id) is None
