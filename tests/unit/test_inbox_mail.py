"""E-mail copies of inbox messages, received by a real SMTP server (aiosmtpd) started here: sent only after the
sender's transaction commits, never when it rolls back, and only to residents who opted in."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from db.engine import write_session
from points.inbox.mail import set_mail_address
from points.inbox.messages import notify


class Inbox:
    """Collects what the server receives."""

    def __init__(self) -> None:
        self.letters: list = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.letters.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = Inbox()
    server = Controller(received, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("GREEN_EGRET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GREEN_EGRET_SMTP_PORT", str(port))
    monkeypatch.setenv("GREEN_EGRET_SMTP_STARTTLS", "0")
    monkeypatch.setenv("GREEN_EGRET_MAIL_FROM", "egret@city.example")
    yield received
    server.stop()


def opt_in(user_id: int, *, opted_in: bool = True) -> None:
    with write_session() as session:
        set_mail_address(session, user_id=user_id, address="ann@example.org", opted_in=opted_in)


def expiring(session, user_id: int, key: str = "k1") -> bool:
    return notify(session, user_id=user_id, topic="points_expiring", key=key,
                  params={"points": 120, "year": "2025", "expires_on": "2026-12-31"})


def test_the_copy_leaves_only_after_the_transaction_commits(make_user, smtp):
    ann = make_user("ann", language="en")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
        session.flush()
        assert smtp.letters == []
    [(recipients, letter)] = smtp.letters
    assert recipients == ["ann@example.org"]
    assert letter["From"] == "egret@city.example"
    assert letter["Subject"] == "120 points expire on 31 December 2026"
    assert "120 of the points you earned in 2025 expire on 31 December 2026" in letter.get_content()


def test_the_copy_is_in_the_residents_own_language(make_user, smtp):
    ann = make_user("ann", language="zh")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    assert smtp.letters[0][1]["Subject"] == "120 积分将于 2026年12月31日 到期"


def test_nothing_is_sent_when_the_transaction_rolls_back(make_user, smtp):
    ann = make_user("ann")
    opt_in(ann.id)
    with pytest.raises(RuntimeError), write_session() as session:
        expiring(session, ann.id)
        raise RuntimeError("the action failed after the message")
    with write_session() as session:  # a later, unrelated commit of a fresh session sends nothing either
        pass
    assert smtp.letters == []


def test_nothing_is_sent_without_an_opt_in_or_for_a_repeated_key(make_user, smtp):
    ann, bob = make_user("ann"), make_user("bob")
    opt_in(bob.id, opted_in=False)
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, bob.id, key="b")
        expiring(session, ann.id, key="a")
    with write_session() as session:
        expiring(session, ann.id, key="a")
    assert [recipients for recipients, _ in smtp.letters] == [["ann@example.org"]]


def test_mail_is_off_without_an_smtp_host(make_user, smtp, monkeypatch):
    monkeypatch.delenv("GREEN_EGRET_SMTP_HOST")
    ann = make_user("ann")
    opt_in(ann.id)
    with write_session() as session:
        expiring(session, ann.id)
    assert smtp.letters == []


def test_an_address_that_is_not_one_is_refused_and_an_empty_one_removes_it(make_user):
    from points.common.errors import DomainError
    from points.inbox.mail import mail_address

    ann = make_user("ann")
    with pytest.raises(DomainError) as refused, write_session() as session:
        set_mail_address(session, user_id=ann.id, address="ann at home", opted_in=True)
    assert refused.value.code == "inbox_mail_address_invalid"
    opt_in(ann.id)
    with write_session() as session:
        set_mail_address(session, user_id=ann.id, address=" ", opted_in=True)
    with write_session() as session:
        assert mail_address(session, user_id=ann.id) is None
