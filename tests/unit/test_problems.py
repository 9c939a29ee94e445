"""Environmental reports: filing, "same problem?" within 50 m, the abuse limits, triage steps, one credit for a
confirmed report and none for "not a problem", the audit and inbox rows each step writes, and refusals that
write nothing."""
import math
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuditLog, Claim, InboxMessage, LedgerEntry, ProblemStep, User
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.images import clean_photo
from points.problems import filing, triage, views
from points.problems.rules import MAX_NEW_PER_DAY, MAX_OPEN_PER_RESIDENT, SAME_PROBLEM_RADIUS_M
from tests.support.admin import with_catalogue
from tests.support.images import jpeg
from tests.support.problems import BEACH, balance, counts, file, north_of, report, step

POINTS = 50  # env_report in assets/catalogue.csv


@pytest.fixture
def people(make_user):
    with_catalogue()
    return {"rita": make_user("rita", district="思明"), "sam": make_user("sam"),
            "ada": make_user("ada", role="admin"), "ali": make_user("ali", role="admin"),
            "aud": make_user("aud", role="auditor")}


def candidates(spot, kind="marine_litter"):
    with read_session() as session:
        return filing.same_problem_candidates(session, kind=kind, lat=spot[0], lon=spot[1])


def refused(code: str, write) -> None:
    """`write(session)` is refused with `code` and leaves every table as it was."""
    before = counts()
    with pytest.raises(DomainError) as error, write_session() as session:
        write(session)
    assert error.value.code == code
    assert counts() == before


def test_a_report_is_filed_with_its_first_step_and_the_reporters_district(people):
    report_id = file(people["rita"].id, note="Plastic bottles along the tide line")
    filed = report(report_id)
    assert (filed.status, filed.kind, filed.district, filed.reporter_id) == ("new", "marine_litter", "思明",
                                                                             people["rita"].id)
    with read_session() as session:
        steps = session.exec(select(ProblemStep).where(ProblemStep.report_id == report_id)).all()
    assert [(s.action, s.status, s.actor_id) for s in steps] == [("filed", "new", people["rita"].id)]


def test_same_problem_is_offered_at_exactly_50_m_and_not_a_centimetre_further(people):
    report_id = file(people["rita"].id)
    edge = north_of(BEACH, SAME_PROBLEM_RADIUS_M)
    assert [c.report_id for c in candidates(edge)] == [report_id]
    assert candidates(edge)[0].distance_m == 50.0 and candidates(edge)[0].residents == 1
    assert candidates(north_of(BEACH, SAME_PROBLEM_RADIUS_M + 0.01)) == []
    assert candidates(edge, kind="overflowing_bin") == []  # another kind at the same spot is another problem


def test_a_fixed_or_dismissed_report_is_not_offered(people):
    fixed, dismissed = file(people["rita"].id), file(people["rita"].id, kind="illegal_dumping")
    step(people["ada"].id, fixed, "confirm")
    step(people["ada"].id, fixed, "fix", note="Cleaned up by the beach team")
    step(people["ada"].id, dismissed, "dismiss", note="Building material stored with a permit")
    assert candidates(BEACH) == [] and candidates(BEACH, kind="illegal_dumping") == []


def test_saying_same_problem_counts_the_resident_once(people):
    report_id = file(people["rita"].id)
    with write_session() as session:
        assert filing.join_report(session, user_id=people["sam"].id, report_id=report_id).created
    with write_session() as session:
        assert not filing.join_report(session, user_id=people["sam"].id, report_id=report_id).created
    assert candidates(BEACH)[0].residents == 2
    refused("problem_own_report", lambda s: filing.join_report(s, user_id=people["rita"].id, report_id=report_id))


def test_joining_a_closed_report_is_refused(people):
    report_id = file(people["rita"].id)
    step(people["ada"].id, report_id, "dismiss", note="Seaweed, not litter")
    refused("problem_closed", lambda s: filing.join_report(s, user_id=people["sam"].id, report_id=report_id))


def test_filing_the_same_problem_twice_at_the_same_spot_is_refused(people):
    file(people["rita"].id)
    refused("problem_already_yours", lambda s: filing.file_report(
        s, user_id=people["rita"].id, kind="marine_litter", lat=BEACH[0], lon=BEACH[1] + 0.0001))


def spots(n: int, start: tuple[float, float] = BEACH) -> list[tuple[float, float]]:
    """n spots 100 m apart, so none is "the same problem" as another."""
    return [north_of(start, 100.0 * index) for index in range(n)]


def test_a_resident_files_at_most_five_reports_a_day_and_again_the_next(people):
    now = utcnow()
    for spot in spots(MAX_NEW_PER_DAY):
        file(people["rita"].id, spot=spot, now=now)
    sixth = north_of(BEACH, 1000)
    refused("problem_daily_limit", lambda s: filing.file_report(
        s, user_id=people["rita"].id, kind="marine_litter", lat=sixth[0], lon=sixth[1], now=now))
    file(people["rita"].id, spot=sixth, now=now + timedelta(days=1))


def test_a_resident_has_at_most_ten_open_reports(people):
    now = utcnow()
    for index, spot in enumerate(spots(MAX_OPEN_PER_RESIDENT)):
        file(people["rita"].id, spot=spot, now=now + timedelta(days=index // MAX_NEW_PER_DAY))
    later, far = now + timedelta(days=3), north_of(BEACH, 5000)
    refused("problem_open_limit", lambda s: filing.file_report(
        s, user_id=people["rita"].id, kind="marine_litter", lat=far[0], lon=far[1], now=later))


@pytest.mark.parametrize(("fields", "code"), [
    ({"kind": "graffiti"}, "problem_kind_invalid"),
    ({"lat": None}, "problem_spot_missing"),
    ({"lat": 91.0}, "problem_spot_invalid"),
    ({"lon": math.nan}, "problem_spot_invalid"),
    ({"lat": True}, "problem_spot_invalid"),
    ({"note": "x" * 1001}, "problem_note_too_long"),
])
def test_a_bad_report_is_refused_and_writes_nothing(people, fields, code):
    asked = {"kind": "marine_litter", "lat": BEACH[0], "lon": BEACH[1], **fields}
    refused(code, lambda s: filing.file_report(s, user_id=people["rita"].id, **asked))


def test_only_residents_file_and_raw_photo_bytes_are_refused(people):
    refused("forbidden", lambda s: filing.file_report(s, user_id=people["ada"].id, kind="other", lat=BEACH[0],
                                                      lon=BEACH[1]))
    before = counts()
    with pytest.raises(TypeError), write_session() as session:
        filing.file_report(session, user_id=people["rita"].id, kind="other", lat=BEACH[0], lon=BEACH[1],
                           photo=b"\xff\xd8 raw upload")  # type: ignore[arg-type]
    assert counts() == before


def test_confirming_credits_the_reporter_once_through_the_claims_path(people):
    report_id = file(people["rita"].id)
    first = step(people["ada"].id, report_id, "confirm")
    second = step(people["ali"].id, report_id, "confirm")
    assert first.points == POINTS and first.step is not None
    assert second.step is None and second.points == 0
    assert balance(people["rita"].id) == POINTS
    with read_session() as session:
        entries = session.exec(select(LedgerEntry).where(LedgerEntry.user_id == people["rita"].id)).all()
        claim = session.get(Claim, report(report_id).claim_id)
        audits = session.exec(select(AuditLog).where(AuditLog.action == "problem.confirmed")).all()
    assert [(e.kind, e.points, e.idempotency_key) for e in entries] == [("earn", POINTS, f"report:{report_id}")]
    assert claim is not None and (claim.action_code, claim.source, claim.status) == ("env_report", "staff", "auto")
    assert [(a.actor_id, a.target_id, a.before["status"], a.after["status"]) for a in audits] == [
        (people["ada"].id, str(report_id), "new", "confirmed")]


def test_not_a_problem_credits_nothing_and_needs_a_reason(people):
    report_id = file(people["rita"].id)
    refused("problem_reason_required", lambda s: triage.take_step(s, actor_id=people["ada"].id,
                                                                   report_id=report_id, action="dismiss", note=" "))
    dismissed = step(people["ada"].id, report_id, "dismiss", note="Driftwood, left for the birds")
    assert dismissed.report.status == "not_a_problem" and dismissed.points == 0
    assert balance(people["rita"].id) == 0
    refused("problem_closed", lambda s: triage.take_step(s, actor_id=people["ada"].id, report_id=report_id,
                                                          action="confirm"))
    assert balance(people["rita"].id) == 0


def test_credits_stop_at_the_daily_cap_of_confirmed_reports(people):
    reports = [file(people["rita"].id, spot=spot) for spot in spots(4)]
    credited = [step(people["ada"].id, report_id, "confirm").points for report_id in reports]
    assert credited == [POINTS, POINTS, POINTS, 0]  # env_report: at most 3 a day
    assert balance(people["rita"].id) == 3 * POINTS


def test_every_step_is_audited_shown_to_the_reporter_and_told_to_those_who_reported_it(people):
    rita, sam, ada, ali = (people[name] for name in ("rita", "sam", "ada", "ali"))
    report_id = file(rita.id)
    with write_session() as session:
        filing.join_report(session, user_id=sam.id, report_id=report_id)
    after = clean_photo(jpeg(Image.new("RGB", (64, 48), (30, 140, 200))))
    step(ada.id, report_id, "confirm")
    with write_session() as session:
        assigned = triage.assign(session, actor_id=ada.id, report_id=report_id, assignee_id=ali.id)
    assert assigned.report.assignee_id == ali.id
    step(ali.id, report_id, "start")
    step(ali.id, report_id, "fix", note="Two bags collected", photo=after)
    with read_session() as session:
        trail = views.my_reports(session, user_id=rita.id)[0]
        audits = session.exec(select(AuditLog.action, AuditLog.actor_id).where(
            AuditLog.target_type == "problem_report").order_by(AuditLog.id)).all()
        inbox = session.exec(select(InboxMessage.user_id, InboxMessage.topic, InboxMessage.params)
                             .order_by(InboxMessage.id)).all()
    assert [(s.action, s.status) for s in trail.steps] == [
        ("filed", "new"), ("confirmed", "confirmed"), ("assigned", "confirmed"), ("started", "in_progress"),
        ("fixed", "fixed")]
    assert trail.steps[-1].note == "Two bags collected" and trail.steps[-1].photo == after.data
    assert trail.residents == 2
    assert list(audits) == [("problem.confirmed", ada.id), ("problem.assigned", ada.id),
                            ("problem.started", ali.id), ("problem.fixed", ali.id)]
    told = [(user, topic, params["status_key"]) for user, topic, params in inbox]
    assert told == [(user, topic, f"problems.status.{status}") for status in ("confirmed", "in_progress", "fixed")
                    for user, topic in ((rita.id, "problem_status"), (sam.id, "problem_status_joined"))]


@pytest.mark.parametrize(("actor", "action", "note", "code"), [
    ("sam", "confirm", None, "forbidden"),
    ("aud", "confirm", None, "forbidden"),
    ("ada", "fix", "done", "problem_not_confirmed"),
    ("ada", "start", None, "problem_not_confirmed"),
    ("ada", "fix", None, "problem_fix_note_required"),
    ("ada", "dismiss", "x" * 401, "problem_step_note_too_long"),
])
def test_a_wrong_triage_step_is_refused_and_writes_nothing(people, actor, action, note, code):
    report_id = file(people["rita"].id)
    refused(code, lambda s: triage.take_step(s, actor_id=people[actor].id, report_id=report_id, action=action,
                                             note=note))
    assert report(report_id).status == "new"


def test_a_confirmed_report_is_fixed_not_dismissed_and_an_admin_never_triages_their_own(people):
    report_id = file(people["rita"].id)
    step(people["ada"].id, report_id, "confirm")
    refused("problem_already_confirmed", lambda s: triage.take_step(
        s, actor_id=people["ada"].id, report_id=report_id, action="dismiss", note="changed my mind"))
    refused("problem_assignee_invalid", lambda s: triage.assign(s, actor_id=people["ada"].id, report_id=report_id,
                                                                 assignee_id=people["sam"].id))
    own = file(people["rita"].id, spot=north_of(BEACH, 500))
    with write_session() as session:
        session.get(User, people["rita"].id).role = "admin"
    refused("problem_own_report", lambda s: triage.take_step(s, actor_id=people["rita"].id, report_id=own,
                                                              action="confirm"))


def test_the_public_map_gets_no_name_note_or_photo_a_rounded_spot_and_the_citys_day(people):
    evening = (utcnow() - timedelta(days=2)).replace(hour=20, minute=30)  # 04:30 the next morning in Xiamen
    report_id = file(people["rita"].id, note="My neighbour 王先生 dumps here, call 138 0000 0000",
                     spot=(24.433449, 118.109512), now=evening)
    with read_session() as session:
        pins = views.public_pins(session)
    assert pins == [views.ReportPin(report_id=report_id, kind="marine_litter", status="new", lat=24.4334,
                                    lon=118.1095, reported_on=(evening.date() + timedelta(days=1)).isoformat(),
                                    residents=1)]


def test_who_said_same_problem_sees_the_steps_but_not_the_reporters_note(people):
    report_id = file(people["rita"].id, note="Seen at 7 am by me, Rita")
    with write_session() as session:
        filing.join_report(session, user_id=people["sam"].id, report_id=report_id)
    step(people["ada"].id, report_id, "confirm", note="Team sent")
    with read_session() as session:
        joined = views.joined_reports(session, user_id=people["sam"].id)
    assert [(t.report.id, t.report.note, [s.action for s in t.steps]) for t in joined] == [
        (report_id, None, ["filed", "confirmed"])]
    assert report(report_id).note == "Seen at 7 am by me, Rita"  # hidden from Sam, not erased


def test_the_queue_is_for_admins_and_auditors(people):
    report_id = file(people["rita"].id)
    with read_session() as session:
        queue = views.triage_queue(session, actor_id=people["aud"].id)
        assert [(item.trail.report.id, item.reporter) for item in queue] == [(report_id, "rita")]
        with pytest.raises(DomainError):
            views.triage_queue(session, actor_id=people["sam"].id)
