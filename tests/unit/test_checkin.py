"""The scan decision with an injected clock: every outcome a volunteer can see, and what it writes."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import CheckIn, Claim, LedgerEntry
from points.checkin import checkpoints, closing
from points.checkin.decision import close_ended_events
from points.checkin.tokens import kiosk_token, poster_token
from points.common.errors import DomainError
from tests.support.checkin import END, START, check_out, load_city, make_checkpoint, points_of, scan


@pytest.fixture
def people(make_user):
    load_city()
    return make_user("olga", role="organizer"), make_user("ann")


def refusal(user_id, checkpoint_id, *, now, token=None) -> str:
    with pytest.raises(DomainError) as caught:
        scan(user_id, checkpoint_id, now=now, token=token)
    return caught.value.code


def ledger_rows() -> int:
    with read_session() as session:
        return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_trailhead_scan_credits_once_per_local_day(people):
    organizer, ann = people
    trail = make_checkpoint(organizer.id, kind="trailhead", ends_at=START + timedelta(days=30))
    first = scan(ann.id, trail, now=START + timedelta(hours=1))
    assert first.outcome == "credited" and first.points == 70 and points_of(ann.id) == 70
    assert scan(ann.id, trail, now=START + timedelta(hours=2)).outcome == "already"
    assert points_of(ann.id) == 70
    assert scan(ann.id, trail, now=START + timedelta(days=1)).outcome == "credited"
    assert points_of(ann.id) == 140


def test_a_station_poster_scan_earns_nothing_and_writes_nothing(people):
    """A photo of a station's poster proves nothing was weighed: the scan explains how to earn, and stops."""
    organizer, ann = people
    station = make_checkpoint(organizer.id, kind="station", ends_at=START + timedelta(days=30))
    assert refusal(ann.id, station, now=START) == "checkin_station_attendant"
    assert refusal(ann.id, station, now=START + timedelta(days=1)) == "checkin_station_attendant"
    with read_session() as session:
        written = [session.execute(select(func.count()).select_from(table)).scalar_one()
                   for table in (Claim, LedgerEntry, CheckIn)]
    assert written == [0, 0, 0] and points_of(ann.id) == 0


def test_event_check_in_then_check_out_credits_hours(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    assert scan(ann.id, event, now=START).outcome == "checked_in"
    again = scan(ann.id, event, now=START + timedelta(hours=1))
    assert again.outcome == "already" and again.can_check_out
    result = check_out(ann.id, event, now=END)
    assert (result.outcome, result.hours, result.points) == ("checked_out", 3.0, 300)
    assert points_of(ann.id) == 300
    assert check_out(ann.id, event, now=END + timedelta(minutes=1)).outcome == "already"
    assert points_of(ann.id) == 300


def test_arriving_early_and_leaving_late_earn_only_the_scheduled_time(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    scan(ann.id, event, now=START - timedelta(minutes=14))
    result = check_out(ann.id, event, now=END + timedelta(minutes=14))
    assert result.hours == 3.0 and points_of(ann.id) == 300


def test_sixty_percent_of_the_schedule_is_credited(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    scan(ann.id, event, now=START + timedelta(hours=1, minutes=12))
    result = check_out(ann.id, event, now=END)
    assert (result.outcome, result.hours, points_of(ann.id)) == ("checked_out", 1.8, 180)


def test_less_than_sixty_percent_goes_to_review_uncredited(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    scan(ann.id, event, now=START + timedelta(hours=1, minutes=13))
    result = check_out(ann.id, event, now=END)
    assert result.outcome == "review" and result.points == 0 and points_of(ann.id) == 0
    with read_session() as session:
        claim = session.execute(select(Claim)).scalar_one()
    assert (claim.status, claim.quantity, claim.status_reason) == ("pending", 1.78, "short_attendance")


def test_missing_check_out_is_closed_at_the_end_and_flagged(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    scan(ann.id, event, now=START)
    with write_session() as session:
        closing.close(session, actor_id=organizer.id, checkpoint_id=event, now=END + timedelta(hours=5))
    with read_session() as session:
        row = checkpoints.attendance(session, actor_id=organizer.id, checkpoint_id=event)[0]
    assert (row.checked_out_at, row.hours, row.flag, row.status) == (END, 3.0, "missing_checkout", "review")
    assert points_of(ann.id) == 0


def test_housekeeping_closes_open_check_ins_once_the_event_has_ended(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    scan(ann.id, event, now=START)
    with write_session() as session:
        assert close_ended_events(session, now=END - timedelta(minutes=1)) == 0
    with write_session() as session:
        assert close_ended_events(session, now=END + timedelta(hours=1)) == 1
    with write_session() as session:
        assert close_ended_events(session, now=END + timedelta(hours=2)) == 0
    with read_session() as session:
        row = checkpoints.attendance(session, actor_id=organizer.id, checkpoint_id=event)[0]
    assert (row.checked_out_at, row.flag, row.status) == (END, "missing_checkout", "review")


@pytest.mark.parametrize(("offset", "code"), [(-timedelta(minutes=16), "checkin_not_started"),
                                              (timedelta(hours=3, minutes=16), "checkin_ended")])
def test_outside_the_window_with_tolerance_is_refused(people, offset, code):
    organizer, ann = people
    event = make_checkpoint(organizer.id)
    assert refusal(ann.id, event, now=START + offset) == code
    assert ledger_rows() == 0


def test_a_closed_event_is_ended_and_a_draft_is_invalid(people):
    organizer, ann = people
    draft = make_checkpoint(organizer.id, publish=False)
    assert refusal(ann.id, draft, now=START) == "checkin_invalid"
    event = make_checkpoint(organizer.id)
    with write_session() as session:
        closing.close(session, actor_id=organizer.id, checkpoint_id=event, now=START)
    assert refusal(ann.id, event, now=START) == "checkin_ended"


def test_forged_and_moved_tokens_are_invalid(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id)
    other = make_checkpoint(organizer.id)
    assert refusal(ann.id, event, now=START, token="p." + "A" * 22) == "checkin_invalid"
    assert refusal(ann.id, event, now=START, token=poster_token(other)) == "checkin_invalid"


def test_an_old_kiosk_photo_is_expired(people):
    organizer, ann = people
    event = make_checkpoint(organizer.id, rotating=True)
    photo = kiosk_token(event, now=START)
    assert refusal(ann.id, event, now=START + timedelta(seconds=61), token=photo) == "checkin_expired"
    assert scan(ann.id, event, now=START + timedelta(seconds=31), token=photo).outcome == "checked_in"


def test_full_event_refuses_walk_ins_but_not_signed_up_volunteers(people, make_user):
    organizer, ann = people
    event = make_checkpoint(organizer.id, capacity=1)
    bob, cid = make_user("bob"), make_user("cid")
    with write_session() as session:
        checkpoints.sign_up(session, user_id=cid.id, checkpoint_id=event, now=START - timedelta(days=1))
    scan(ann.id, event, now=START)
    assert refusal(bob.id, event, now=START) == "checkin_full"
    late = scan(cid.id, event, now=START)
    assert (late.outcome, late.checkin.status, late.checkin.flag) == ("checked_in", "review", "over_capacity")


def test_burst_far_above_expected_attendance_goes_to_review(people, make_user):
    organizer, ann = people
    trailhead = make_checkpoint(organizer.id, kind="trailhead", expected_attendance=1,
                                ends_at=START + timedelta(days=1))
    scan(ann.id, trailhead, now=START)
    scan(make_user("bob").id, trailhead, now=START)
    third = make_user("cid")
    result = scan(third.id, trailhead, now=START)
    assert result.outcome == "review" and points_of(third.id) == 0
    with read_session() as session:
        assert session.execute(select(Claim.status).where(Claim.user_id == third.id)).scalar_one() == "pending"


def test_tokens_never_reach_the_logs(people, caplog):
    organizer, ann = people
    event = make_checkpoint(organizer.id, points_per_hour=100)
    token = poster_token(event)
    caplog.set_level("DEBUG")
    caplog.set_level("INFO", logger="sqlalchemy.engine")  # every statement and its parameters, as a DBA would see
    scan(ann.id, event, now=START, token=token)
    refusal(ann.id, event, now=START, token=token[:-2] + "zz")
    assert "INSERT INTO checkin" in caplog.text  # the log did record the check-in's own writes
    assert token not in caplog.text and token[:-2] not in caplog.text


@pytest.mark.parametrize(("at", "outcome"), [
    (START - timedelta(minutes=15), "accepted"), (START - timedelta(minutes=15, microseconds=1), "checkin_not_started"),
    (END + timedelta(minutes=15), "accepted"), (END + timedelta(minutes=15, microseconds=1), "checkin_ended")])
def test_the_window_edges_are_exact(people, at, outcome):
    """The tolerance itself still counts; one microsecond beyond it does not (pins `<` against `<=`)."""
    organizer, ann = people
    event = make_checkpoint(organizer.id)
    try:
        scan(ann.id, event, now=at)
    except DomainError as refusal_:
        assert refusal_.code == outcome
        assert ledger_rows() == 0
    else:
        assert outcome == "accepted"
