"""One trip, one credit across channels; self-reports are the side path (issue 13, points 5 and 6).

Metro (catalogue version 2): 46.7 g/km; a self-report earns half (23.35 g/km) up to 20 km a day, verified data
the whole up to 60 km.
"""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Claim, LedgerEntry
from points.catalogue.actions import current_action
from points.claims.channels import SUPERSEDED_REASON, self_report_preview
from points.claims.lifecycle import approve_claim, record_verified, reject_claim
from points.common.errors import DomainError
from points.review.queue import pending_claims
from points.score.appeals import appealable, file_appeal
from points.score.facts import load_facts
from tests.support.ledger import NOON, balance_of, entries_of, key, load, log, verified
from tests.support.partners import event, link_resident, make_partner, send


@pytest.fixture
def ann(make_user):
    """A resident, with the catalogue (version 2) loaded."""
    load()
    return make_user("ann")


def refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code


def claims_of(user_id: int) -> list[Claim]:
    with read_session() as session:
        return list(session.exec(select(Claim).where(Claim.user_id == user_id).order_by(Claim.id)))


def test_a_self_report_earns_its_share_of_points_and_of_co2e(ann):
    result = log(ann.id, "metro", 10)
    assert (result.points, result.co2e_g, result.claim.source) == (233, 233, "self")  # half of 467
    assert (balance_of(ann.id).points, balance_of(ann.id).co2e_g) == (233, 233)
    full = verified(ann.id, "metro", 10, when=NOON - timedelta(days=1), source="partner")
    assert (full.points, full.co2e_g, full.claim.source) == (467, 467, "partner")


def test_the_self_report_cap_counts_self_reports_the_verified_cap_counts_everything(ann):
    # trail walks: self-reports up to 10 km a day, everything together up to 25; a trailhead's check-in
    # (source checkpoint) is verified but does not stand for the day's walking, so both channels meet here
    assert log(ann.id, "trail_walk", 12).credited_quantity == 10  # the self-report cap, not the 25 km cap
    trailhead = verified(ann.id, "trail_walk", 20, source="checkpoint")
    assert (trailhead.credited_quantity, trailhead.over_cap_quantity) == (15, 5)  # 10 self + 15 verified = 25
    day_after = NOON + timedelta(days=1)
    verified(ann.id, "trail_walk", 20, when=day_after, source="checkpoint")
    late = log(ann.id, "trail_walk", 10, when=day_after)
    assert (late.credited_quantity, late.over_cap_quantity) == (5, 5)  # room under 25, though the own cap has 10


def test_a_self_report_on_a_day_verified_data_covers_is_refused_and_writes_nothing(ann, make_user):
    verified(ann.id, "metro", 10, source="partner")
    refused("verified_covers_day", log, ann.id, "metro", 5)
    assert len(claims_of(ann.id)) == 1 and balance_of(ann.id).points == 467
    assert log(ann.id, "bus", 5).points == 67  # another action that day
    assert log(ann.id, "metro", 5, when=NOON - timedelta(days=1), now=NOON).points == 116  # another day
    attendant = make_user("olga", role="organizer")
    verified(ann.id, "paper", 2, source="staff", created_by=attendant.id)  # weighed at a station
    refused("verified_covers_day", log, ann.id, "paper", 1)


def test_a_checkpoint_visit_does_not_refuse_the_days_self_reports(ann):
    verified(ann.id, "trail_walk", 1, source="checkpoint")
    assert log(ann.id, "trail_walk", 4).credited_quantity == 4


def test_verified_data_after_a_self_report_reverses_it_once_and_credits_the_verified_amount(ann):
    self_report = log(ann.id, "metro", 10)
    partner_key = key()
    for attempt in range(2):  # the partner resends: the second is a replay, nothing written twice
        with write_session() as session:
            credit = record_verified(session, user_id=ann.id, action_code="metro", quantity=12, occurred_at=NOON,
                                     idempotency_key=partner_key, source="partner", now=NOON)
        assert credit.created == (attempt == 0)
    assert credit.points == 560 and balance_of(ann.id).points == 560  # 12 x 46.7, the self-report's 233 gone
    earn, reversal, verified_earn = entries_of(ann.id)
    assert (earn.claim_id, earn.points) == (self_report.claim.id, 233)
    assert (reversal.kind, reversal.points, reversal.co2e_g, reversal.quantity) == ("reversal", -233, -233, -10)
    assert (reversal.original_entry_id, reversal.claim_id, reversal.reason) == (earn.id, earn.claim_id,
                                                                                SUPERSEDED_REASON)
    assert verified_earn.points == 560
    assert [(claim.source, claim.status, claim.points) for claim in claims_of(ann.id)] == [
        ("self", "superseded", 0), ("partner", "auto", 560)]
    verified(ann.id, "metro", 5, source="partner")  # a second trip that day reverses nothing more
    assert balance_of(ann.id).points == 560 + 233 and len(entries_of(ann.id)) == 4


def test_after_superseding_the_verified_credit_has_the_whole_verified_cap(ann):
    log(ann.id, "metro", 20)
    credit = verified(ann.id, "metro", 60, source="staff")
    assert (credit.credited_quantity, credit.over_cap_quantity) == (60, 0)
    assert balance_of(ann.id).points == 2802


def test_a_pending_self_report_is_superseded_without_credit_and_leaves_the_queue(ann, make_user):
    admin = make_user("root", role="admin")
    pending = log(ann.id, "metro", 45)  # above the plausibility limit: waits for review
    assert pending.status == "pending"
    verified(ann.id, "metro", 10, source="partner")
    [claim, _] = claims_of(ann.id)
    assert (claim.status, claim.points) == ("superseded", 0) and balance_of(ann.id).points == 467
    with read_session() as session:
        assert pending_claims(session, actor_id=admin.id) == []
    for decide in (approve_claim, reject_claim):
        with write_session() as session:
            refused("claim_superseded", decide, session, actor_id=admin.id, claim_id=claim.id, reason="seen")
    assert balance_of(ann.id).points == 467 and len(entries_of(ann.id)) == 1


def test_a_superseded_self_report_is_no_penalty_and_cannot_be_appealed_back(ann):
    log(ann.id, "metro", 10)
    verified(ann.id, "metro", 10, source="partner")
    reversal = entries_of(ann.id)[1]
    with read_session() as session:
        assert appealable(session, user_id=ann.id) == []
        _, penalties = load_facts(session, user_id=ann.id, until=NOON + timedelta(days=1))
    assert penalties == []
    with write_session() as session:
        refused("appeal_target_invalid", file_appeal, session, user_id=ann.id, note="mine", entry_id=reversal.id)


def test_a_partner_batch_supersedes_the_self_report_in_its_own_transaction(ann):
    """Through the partner domain: a linked card's trip arrives after the resident typed it."""
    partner = make_partner().partner
    assert link_resident(ann.id, partner.id) == "linked"
    log(ann.id, "metro", 10)
    outcomes = send(partner.id, event("trip-1", quantity=10), now=NOON + timedelta(hours=1))
    assert [(outcome.outcome, outcome.points) for outcome in outcomes] == [("credited", 467)]
    assert send(partner.id, event("trip-1", quantity=10), now=NOON + timedelta(hours=2))[0].outcome == "duplicate"
    assert balance_of(ann.id).points == 467
    with read_session() as session:
        reversals = session.exec(select(LedgerEntry).where(LedgerEntry.kind == "reversal")).all()
    assert len(reversals) == 1
    refused("verified_covers_day", log, ann.id, "metro", 3)


def test_the_preview_shows_the_share_and_which_partners_could_verify(ann):
    with read_session() as session:
        metro = current_action(session, code="metro")
        before = self_report_preview(session, action=metro, quantity=10)
    assert (before.full_points, before.share, before.self_points) == (467, 0.5, 233)
    assert (before.self_cap, before.daily_cap, before.partner_kinds) == (20, 60, ())
    make_partner("metro-co", kind="transit")
    make_partner("bikes", kind="bike_share", actions=("bike",))
    with read_session() as session:
        after = self_report_preview(session, action=metro, quantity=10)
    assert after.partner_kinds == ("transit",)
