"""Claims: caps per local day, plausibility review, idempotency, evidence checks and admin decisions.

Self-reports here earn their share (walk: half of 70 g/km = 35 points/km) within their own cap (walk: 5 km a
day; verified data 10 km); tests/unit/test_channels.py has the rules between channels.
"""
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuditLog, Claim
from points.claims.lifecycle import approve_claim, occurred_at_for, prepare_photo, reject_claim
from points.common.clock import local_day
from points.common.errors import DomainError
from tests.support.ledger import NOON, balance_of, entries_of, key, load, log, verified

BEFORE_MIDNIGHT = datetime(2026, 3, 10, 15, 59, tzinfo=UTC)  # 23:59 in Xiamen
AFTER_MIDNIGHT = datetime(2026, 3, 10, 16, 1, tzinfo=UTC)    # 00:01 the next local day


@pytest.fixture(autouse=True)
def catalogue():
    load()


@pytest.fixture
def ann(make_user):
    return make_user("ann")


@pytest.fixture
def admin(make_user):
    return make_user("root", role="admin")


def refused(code: str, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code
    return error.value


def claims_count() -> int:
    with read_session() as session:
        return len(session.exec(select(Claim)).all())


def png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, format="PNG")
    return out.getvalue()


def test_cap_credits_up_to_the_cap_and_tells_what_was_over(ann):
    first = log(ann.id, "walk", 3)
    second = log(ann.id, "walk", 3)
    third = log(ann.id, "walk", 1)
    assert (first.points, first.over_cap_quantity) == (105, 0)
    assert (second.credited_quantity, second.over_cap_quantity, second.points) == (2, 1, 70)
    assert (third.entry, third.points, third.over_cap_quantity) == (None, 0, 1)
    assert balance_of(ann.id).points == 175 and len(entries_of(ann.id)) == 2


def test_cap_resets_at_local_midnight_not_utc(ann):
    assert log(ann.id, "walk", 4, when=BEFORE_MIDNIGHT).points == 140
    assert log(ann.id, "walk", 2, when=BEFORE_MIDNIGHT).points == 35
    assert log(ann.id, "walk", 4, when=AFTER_MIDNIGHT).points == 140


def test_a_late_entry_for_yesterday_counts_against_yesterdays_cap(ann):
    log(ann.id, "walk", 4, when=BEFORE_MIDNIGHT)
    yesterday = log(ann.id, "walk", 3, when=BEFORE_MIDNIGHT, now=AFTER_MIDNIGHT)
    assert (yesterday.credited_quantity, yesterday.over_cap_quantity) == (1, 2)


def test_above_the_plausibility_limit_waits_for_review_with_its_reason(ann):
    result = log(ann.id, "walk", 9)
    assert (result.status, result.claim.status_reason, result.entry) == ("pending", "over_plausibility", None)
    assert balance_of(ann.id).points == 0


def test_approving_credits_once_even_when_repeated(ann, admin):
    pending = log(ann.id, "walk", 9)
    for _ in range(2):
        with write_session() as session:
            approved = approve_claim(session, actor_id=admin.id, claim_id=pending.claim.id, reason="photo ok")
    # approved, it is still a self-report: its share, within the self-report cap of 5 km
    assert (approved.status, approved.points, approved.over_cap_quantity) == ("approved", 175, 4)
    assert balance_of(ann.id).points == 175 and len(entries_of(ann.id)) == 1
    with read_session() as session:
        assert [row.action for row in session.exec(select(AuditLog)).all()] == ["claim.approved"]


def test_approval_applies_the_cap_of_the_claims_own_day(ann, admin):
    pending = log(ann.id, "walk", 9)
    log(ann.id, "walk", 2)
    with write_session() as session:
        approved = approve_claim(session, actor_id=admin.id, claim_id=pending.claim.id)
    assert (approved.credited_quantity, approved.over_cap_quantity) == (3, 6)


def test_nobody_reviews_their_own_claim_and_residents_review_nothing(ann, admin, make_user):
    own = log(admin.id, "walk", 9)
    with write_session() as session:
        refused("own_claim", approve_claim, session, actor_id=admin.id, claim_id=own.claim.id)
    other = log(ann.id, "walk", 9)
    bob = make_user("bob")
    with write_session() as session:
        refused("forbidden", reject_claim, session, actor_id=bob.id, claim_id=other.claim.id, reason="no")
    assert balance_of(admin.id).points == 0


def test_rejecting_a_pending_claim_writes_no_entry(ann, admin):
    pending = log(ann.id, "walk", 9)
    with write_session() as session:
        refused("reason_required", reject_claim, session, actor_id=admin.id, claim_id=pending.claim.id, reason=" ")
    with write_session() as session:
        result = reject_claim(session, actor_id=admin.id, claim_id=pending.claim.id, reason="no evidence")
    assert (result.status, result.entry) == ("rejected", None) and entries_of(ann.id) == []
    with write_session() as session:
        refused("claim_already_rejected", approve_claim, session, actor_id=admin.id, claim_id=pending.claim.id)


def test_rejecting_a_credited_claim_appends_a_reversal_naming_the_original(ann, admin):
    credited = log(ann.id, "metro", 10)
    for _ in range(2):
        with write_session() as session:
            result = reject_claim(session, actor_id=admin.id, claim_id=credited.claim.id, reason="duplicate trip")
    original, reversal = entries_of(ann.id)
    assert (original.points, original.kind) == (233, "earn")
    assert (reversal.kind, reversal.points, reversal.original_entry_id, reversal.reason) == (
        "reversal", -233, original.id, "duplicate trip")
    assert (result.points, balance_of(ann.id).points, balance_of(ann.id).co2e_g) == (-233, 0, 0)
    # the reversed kilometres no longer count against the 20 km self-report cap
    assert [log(ann.id, "metro", 20).credited_quantity for _ in range(2)] == [20, 0]


def test_same_key_same_content_returns_the_first_result(ann):
    claim_key = key()
    first = log(ann.id, "metro", 10, idempotency_key=claim_key)
    again = log(ann.id, "metro", 10, idempotency_key=claim_key)
    assert (again.created, again.points, again.entry.id) == (False, 233, first.entry.id)
    assert len(entries_of(ann.id)) == 1 and balance_of(ann.id).points == 233


def test_same_key_other_content_is_a_conflict_and_writes_nothing(ann):
    claim_key = key()
    log(ann.id, "metro", 10, idempotency_key=claim_key)
    refused("idempotency_conflict", log, ann.id, "metro", 11, idempotency_key=claim_key)
    refused("idempotency_conflict", log, ann.id, "bus", 10, idempotency_key=claim_key)
    assert claims_count() == 1 and balance_of(ann.id).points == 233


@pytest.mark.parametrize(("quantity", "code"), [(0, "quantity_invalid"), (-3, "quantity_invalid"),
                                                (float("nan"), "quantity_invalid"), (1.234, "quantity_invalid"),
                                                (10_001, "quantity_invalid")])
def test_bad_quantities_are_refused_and_write_nothing(ann, quantity, code):
    refused(code, log, ann.id, "metro", quantity)
    assert claims_count() == 0


def test_meals_and_bags_are_whole(ann):
    refused("quantity_whole", log, ann.id, "clean_plate", 1.5)
    assert claims_count() == 0


def test_dates_from_today_back_seven_days_only(ann):
    assert log(ann.id, "metro", 1, when=NOON - timedelta(days=7), now=NOON).points == 23
    refused("occurred_too_long_ago", log, ann.id, "metro", 1, when=NOON - timedelta(days=8), now=NOON)
    refused("occurred_in_future", log, ann.id, "metro", 1, when=NOON + timedelta(days=1), now=NOON)
    assert claims_count() == 1


def test_form_dates_map_to_now_or_local_noon():
    assert occurred_at_for(local_day(NOON), now=NOON) == NOON
    earlier = occurred_at_for(local_day(NOON) - timedelta(days=2), now=NOON)
    assert local_day(earlier) == local_day(NOON) - timedelta(days=2)


def test_photo_is_judged_by_content_and_size(ann):
    result = log(ann.id, "paper", 1, photo=prepare_photo(png()))
    assert result.claim.photo_type == "image/jpeg"  # re-encoded before it is stored
    refused("photo_invalid", prepare_photo, b"GIF89a not really an image")
    refused("photo_invalid", prepare_photo, b"%PDF-1.7 renamed to photo.jpg")
    refused("photo_too_large", prepare_photo, png() + b"\0" * (5 * 1024 * 1024))
    assert claims_count() == 1


def test_qr_actions_cannot_be_self_reported(ann):
    refused("action_needs_checkin", log, ann.id, "volunteer", 2)


def test_a_trail_walk_is_logged_by_hand_and_a_long_one_is_reviewed(ann):
    assert log(ann.id, "trail_walk", 4).points == 140
    assert log(ann.id, "trail_walk", 16).status == "pending"


def test_verified_actions_respect_caps_and_retries(ann):
    first = verified(ann.id, "volunteer", 10)
    second = verified(ann.id, "volunteer", 5)
    assert (first.points, second.credited_quantity, second.over_cap_quantity) == (1000, 2, 3)
