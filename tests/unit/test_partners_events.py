"""Partner events: each outcome, credited once however often resent, unlinking stops credit at once, the batch
written whole or not at all."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Claim, PartnerEvent, PartnerTally
from points.accounts.users_admin import set_disabled
from points.partners import events as partner_events
from points.partners.events import MAX_BATCH
from points.partners.links import unlink
from points.partners.registry import update_partner
from tests.support.ledger import NOON, balance_of, load
from tests.support.partners import event, link_resident, make_partner, refused, row_counts, send

METRO_10KM = 467  # 10 km x 46.7 g avoided per passenger-km, one point a gram


@pytest.fixture(autouse=True)
def catalogue():
    load()


@pytest.fixture
def metro():
    return make_partner("metro-co", actions=("metro", "bus")).partner


@pytest.fixture
def ann(make_user, metro):
    user = make_user("ann")
    assert link_resident(user.id, metro.id, "card-123") == "linked"
    return user


def outcomes(results) -> list[tuple[str, int]]:
    return [(result.outcome, result.points) for result in results]


def test_a_linked_residents_event_is_credited_as_a_partner_claim(metro, ann):
    [result] = send(metro.id, event("e1", quantity=10))
    assert (result.id, result.outcome, result.points) == ("e1", "credited", METRO_10KM)
    assert balance_of(ann.id).points == METRO_10KM
    with read_session() as session:
        claim = session.exec(select(Claim)).one()
        stored = session.exec(select(PartnerEvent)).one()
    assert (claim.user_id, claim.source, claim.partner_id, claim.quantity) == (ann.id, "partner", metro.id, 10)
    assert claim.idempotency_key == f"partner:{metro.id}:e1"
    assert (stored.external_id, stored.outcome, stored.points, stored.claim_id) == ("e1", "credited", METRO_10KM,
                                                                                    claim.id)


def test_a_resent_batch_is_all_duplicate_and_writes_nothing(metro, ann):
    batch = [event("e1"), event("e2", action="bus", quantity=5)]
    assert [outcome for outcome, _ in outcomes(send(metro.id, *batch))] == ["credited", "credited"]
    before, balance = row_counts(), balance_of(ann.id).points
    assert outcomes(send(metro.id, *batch, now=NOON + timedelta(hours=1))) == [("duplicate", 0), ("duplicate", 0)]
    assert row_counts() == before and balance_of(ann.id).points == balance


def test_an_id_repeated_in_one_batch_counts_once(metro, ann):
    results = send(metro.id, event("e1"), event("e1", quantity=20))
    assert outcomes(results) == [("credited", METRO_10KM), ("duplicate", 0)]
    assert balance_of(ann.id).points == METRO_10KM


def test_a_subject_never_linked_is_unknown(metro, ann):
    assert outcomes(send(metro.id, event("e1", subject="card-999"))) == [("unknown_subject", 0)]
    assert row_counts()["Claim"] == 0


def test_unlinking_stops_credit_at_once_even_for_a_trip_made_before(metro, ann):
    with write_session() as session:
        unlink(session, user_id=ann.id, partner_id=metro.id, actor_id=ann.id, now=NOON + timedelta(minutes=1))
    before = row_counts()
    late = send(metro.id, event("e1", occurred_at=NOON), now=NOON + timedelta(minutes=2))
    assert outcomes(late) == [("not_linked", 0)]
    assert row_counts() == before and balance_of(ann.id).points == 0


def test_a_link_to_a_disabled_account_does_not_credit(metro, ann, make_user):
    admin = make_user("root", role="admin")
    with write_session() as session:
        set_disabled(session, actor_id=admin.id, user_id=ann.id, disabled=True)
    assert outcomes(send(metro.id, event("e1"))) == [("not_linked", 0)]
    assert balance_of(ann.id).points == 0


def test_a_refused_event_can_be_fixed_and_resent_with_the_same_id(metro, ann):
    assert outcomes(send(metro.id, event("e1", quantity=0))) == [("invalid", 0)]
    assert outcomes(send(metro.id, event("e1", quantity=10))) == [("credited", METRO_10KM)]


def test_an_action_the_partner_may_not_report_is_refused(metro, ann):
    results = send(metro.id, event("e1", action="paper", quantity=2), event("e2", action="teleport"))
    assert outcomes(results) == [("action_not_allowed", 0), ("action_not_allowed", 0)]


@pytest.mark.parametrize("quantity", [0, -1, 1.234, float("nan"), float("inf"), True, "10"])
def test_a_quantity_the_action_cannot_have_is_invalid(metro, ann, quantity):
    assert outcomes(send(metro.id, event("e1", quantity=quantity))) == [("invalid", 0)]


@pytest.mark.parametrize("occurred_at, verdict", [
    (NOON + timedelta(minutes=5), "credited"),
    (NOON + timedelta(minutes=5, seconds=1), "invalid"),
    (NOON - timedelta(days=7), "credited"),
    (NOON - timedelta(days=7, seconds=1), "invalid"),
    (NOON.replace(tzinfo=None), "invalid"),
])
def test_an_event_up_to_five_minutes_ahead_or_seven_days_back_is_accepted(metro, ann, occurred_at, verdict):
    assert send(metro.id, event("e1", occurred_at=occurred_at), now=NOON)[0].outcome == verdict


@pytest.mark.parametrize("event_id", ["", "x" * 129])
def test_an_event_id_must_be_one_to_128_characters(metro, ann, event_id):
    assert send(metro.id, event(event_id))[0].outcome == "invalid"


def test_the_days_cap_credits_part_then_nothing_and_both_use_up_their_id(metro, ann):
    results = send(metro.id, event("e1", quantity=50), event("e2", quantity=20), event("e3", quantity=5))
    assert outcomes(results) == [("credited", 50 * METRO_10KM // 10), ("credited", METRO_10KM), ("over_cap", 0)]
    with read_session() as session:
        assert session.exec(select(PartnerEvent.external_id, PartnerEvent.outcome)
                            .order_by(PartnerEvent.id)).all() == [("e1", "credited"), ("e2", "credited"),
                                                                   ("e3", "over_cap")]
    assert outcomes(send(metro.id, event("e3", quantity=5))) == [("duplicate", 0)]
    next_day = NOON + timedelta(days=1)
    assert send(metro.id, event("e4", occurred_at=next_day), now=next_day)[0].outcome == "credited"


def test_a_disabled_partners_batch_is_refused_whole(metro, ann):
    with write_session() as session:
        update_partner(session, actor_id=None, partner_id=metro.id, status="disabled")
    before = row_counts((Claim, PartnerEvent, PartnerTally))
    refused("partner_disabled", send, metro.id, event("e1"))
    assert row_counts((Claim, PartnerEvent, PartnerTally)) == before


def test_a_batch_above_the_limit_is_refused(metro, ann):
    refused("partner_batch_too_large", send, metro.id, *[event(f"e{n}") for n in range(MAX_BATCH + 1)])


def test_a_failure_half_way_writes_nothing_of_the_batch(metro, ann, make_user, monkeypatch):
    bob = make_user("bob")
    link_resident(bob.id, metro.id, "card-456")
    real, calls = partner_events.record_verified, []

    def fail_second(*args, **kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(partner_events, "record_verified", fail_second)
    before = row_counts((Claim, PartnerEvent, PartnerTally))
    with pytest.raises(RuntimeError):
        send(metro.id, event("e1"), event("e2", subject="card-456"))
    assert row_counts((Claim, PartnerEvent, PartnerTally)) == before
    assert balance_of(ann.id).points == 0


def test_the_tally_counts_every_outcome_of_the_day_received_duplicates_too(metro, ann):
    late = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # 00:30 on the 11th in Xiamen
    send(metro.id, event("e1"), event("e2", subject="nobody"), now=NOON)
    send(metro.id, event("e1"), event("e3", occurred_at=late), now=late)
    with read_session() as session:
        rows = session.exec(select(PartnerTally.day, PartnerTally.outcome, PartnerTally.events, PartnerTally.points)
                            .order_by(PartnerTally.day, PartnerTally.outcome)).all()
    assert rows == [("2026-03-10", "credited", 1, METRO_10KM), ("2026-03-10", "unknown_subject", 1, 0),
                    ("2026-03-11", "credited", 1, METRO_10KM), ("2026-03-11", "duplicate", 1, 0)]
