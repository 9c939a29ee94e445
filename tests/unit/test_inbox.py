"""The inbox: a message stored once per key inside the sender's transaction, worded in the reader's language,
marked read by its reader only; the appeal decision and tomorrow's event send one."""
import uuid
from datetime import timedelta

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import InboxMessage
from manage import main as manage
from points.checkin import checkpoints
from points.claims.lifecycle import reject_claim, submit_claim
from points.inbox.messages import mark_read, notify, recent, unread_count
from points.inbox.wording import word
from points.score.appeals import decide_appeal, file_appeal
from tests.support.checkin import START, load_city, make_checkpoint


def send(user_id: int, key: str = "test:1", **params) -> bool:
    with write_session() as session:
        return notify(session, user_id=user_id, topic="points_expiring", key=key,
                      params={"points": 1200, "year": "2025", "expires_on": "2026-12-31", **params})


def messages(user_id: int) -> list[InboxMessage]:
    with read_session() as session:
        return recent(session, user_id=user_id)


def test_the_same_key_twice_stores_one_message(make_user):
    ann = make_user("ann")
    assert send(ann.id) is True
    assert send(ann.id) is False
    assert [message.topic for message in messages(ann.id)] == ["points_expiring"]


def test_a_message_is_dropped_with_the_transaction_that_sent_it(make_user):
    ann = make_user("ann")
    try:
        with write_session() as session:
            notify(session, user_id=ann.id, topic="points_expiring", key="k", params={})
            raise RuntimeError("the action failed")
    except RuntimeError:
        pass
    assert messages(ann.id) == []


def test_a_message_reads_in_the_readers_language_not_the_senders(make_user):
    ann = make_user("ann")
    send(ann.id)
    message = messages(ann.id)[0]
    assert word(message.topic, message.params, "en").title == "1,200 points expire on 31 December 2026"
    assert word(message.topic, message.params, "zh").title == "1,200 积分将于 2026年12月31日 到期"


def test_unread_messages_are_counted_and_only_the_reader_marks_them_read(make_user):
    ann, bob = make_user("ann"), make_user("bob")
    send(ann.id, key="a1")
    send(ann.id, key="a2")
    send(bob.id, key="b1")
    ann_first = messages(ann.id)[-1].id
    with write_session() as session:
        assert mark_read(session, user_id=bob.id, message_ids=[ann_first]) == 0
        assert mark_read(session, user_id=ann.id, message_ids=[ann_first]) == 1
    with read_session() as session:
        assert unread_count(session, user_id=ann.id) == 1
        assert unread_count(session, user_id=bob.id) == 1
    with write_session() as session:
        assert mark_read(session, user_id=ann.id) == 1
    with read_session() as session:
        assert unread_count(session, user_id=ann.id) == 0


def test_a_decided_appeal_tells_the_resident_the_decision_and_the_reason(make_user):
    load_city()
    ann, admin = make_user("ann"), make_user("boss", role="admin")
    with write_session() as session:
        claim = submit_claim(session, user_id=ann.id, action_code="metro", quantity=10, occurred_at=START,
                             idempotency_key=f"claim:{uuid.uuid4()}", now=START).claim
        reject_claim(session, actor_id=admin.id, claim_id=claim.id, reason="no ticket", now=START)
    with write_session() as session:
        appeal = file_appeal(session, user_id=ann.id, claim_id=claim.id, note="here it is", now=START)
    with write_session() as session:
        decide_appeal(session, actor_id=admin.id, appeal_id=appeal.id, uphold=True, reason="ticket checked",
                      now=START)
    [message] = messages(ann.id)
    wording = word(message.topic, message.params, "en")
    assert (wording.title, wording.body) == ("Your appeal was upheld", "An administrator upheld your appeal: "
                                                                       "ticket checked")


def test_residents_signed_up_for_an_event_within_a_day_are_reminded_once(make_user):
    load_city()
    organizer, ann, bob = make_user("org", role="organizer"), make_user("ann"), make_user("bob")
    soon, later = make_checkpoint(organizer.id), make_checkpoint(organizer.id, starts_at=START + timedelta(days=2),
                                                                 ends_at=START + timedelta(days=2, hours=3))
    with write_session() as session:
        for event in (soon, later):
            checkpoints.sign_up(session, user_id=ann.id, checkpoint_id=event, now=START - timedelta(days=3))
    now = (START - timedelta(hours=23)).isoformat()
    assert manage(["remind-events", "--now", now]) == 0
    assert manage(["remind-events", "--now", now]) == 0
    [message] = messages(ann.id)
    assert message.key == f"event-tomorrow:{soon}:{ann.id}"
    assert word(message.topic, message.params, "zh").title == "明天：海滩清洁"
    assert word(message.topic, message.params, "en").body.startswith("The event you signed up for, Beach clean-up, "
                                                                     "starts at 07/06/2025, 09:00.")
    assert messages(bob.id) == []
    with read_session() as session:
        assert len(session.exec(select(InboxMessage)).all()) == 1
