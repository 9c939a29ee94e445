"""Filing a report, and "same problem?": a resident near an open report of the same kind adds themselves to it
instead of filing a duplicate (FixMyStreet's rule), and the limits that keep one resident from flooding triage.

The photo comes already cleaned (points.common.images, before the write transaction): nothing is decoded while a
write lock is held. Filing takes the resident's own lock (their balance row) first, so two filings at once from
one resident are counted one after the other and the daily limit holds.

A report keeps the reporter's district and community as they are when they file it: a community's page lists the
reports its residents filed while they lived there (points.reports.community_reports), and a move later takes none
of them along.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.models import ProblemReport, ProblemStep, ProblemSupport
from points.claims.lifecycle import check_text
from points.common.clock import local_day, local_day_bounds, utcnow
from points.common.errors import DomainError
from points.common.images import Photo
from points.common.roles import RESIDENT, require_role
from points.ledger.chain import lock_balance
from points.places.geo import haversine_m
from points.problems.rules import (
    MAX_NEW_PER_DAY,
    MAX_NOTE,
    MAX_OPEN_PER_RESIDENT,
    NEW,
    OPEN,
    SAME_PROBLEM_RADIUS_M,
    check_kind,
    check_spot,
    degrees_around,
    within_same_problem_radius,
)


@dataclass(frozen=True)
class Candidate:
    """An open report near a spot, as offered to another resident: no name, no note, no photo."""

    report_id: int
    kind: str
    status: str
    distance_m: float
    created_at: datetime
    residents: int  # the reporter and those who said "same problem"


@dataclass(frozen=True)
class Joined:
    report: ProblemReport
    created: bool  # False when the resident had already said "same problem"


def _open_near(session: Session, *, kind: str, lat: float, lon: float) -> list[tuple[ProblemReport, float]]:
    """Open reports of `kind` within 50 m of the spot, nearest first: a box by index, then haversine."""
    dlat, dlon = degrees_around(lat, SAME_PROBLEM_RADIUS_M)
    rows = session.exec(select(ProblemReport).where(
        col(ProblemReport.kind) == kind, col(ProblemReport.status).in_(OPEN),
        col(ProblemReport.lat).between(lat - dlat, lat + dlat), col(ProblemReport.lon).between(lon - dlon, lon + dlon)))
    near = [(report, haversine_m(lat, lon, report.lat, report.lon)) for report in rows
            if within_same_problem_radius(lat, lon, report.lat, report.lon)]
    return sorted(near, key=lambda pair: (pair[1], pair[0].id or 0))


def residents_on(session: Session, *, report_ids: list[int]) -> dict[int, int]:
    """How many residents each report stands for: its reporter plus those who said "same problem"."""
    if not report_ids:
        return {}
    counts = dict(session.exec(select(ProblemSupport.report_id, func.count()).where(
        col(ProblemSupport.report_id).in_(report_ids)).group_by(col(ProblemSupport.report_id))).all())
    return {report_id: 1 + counts.get(report_id, 0) for report_id in report_ids}


def same_problem_candidates(session: Session, *, kind: str, lat: float, lon: float) -> list[Candidate]:
    """What a resident about to report is offered instead: open reports of the kind within 50 m."""
    lat, lon = check_spot(lat, lon)
    near = _open_near(session, kind=check_kind(kind), lat=lat, lon=lon)
    counts = residents_on(session, report_ids=[report.id for report, _ in near if report.id is not None])
    return [Candidate(report_id=report.id, kind=report.kind, status=report.status, distance_m=round(distance, 1),
                      created_at=report.created_at, residents=counts[report.id])
            for report, distance in near if report.id is not None]


def _check_limits(session: Session, *, user_id: int, kind: str, lat: float, lon: float, now: datetime) -> None:
    """Refuse a resident's report over the day's limit, over the open limit, or one they already filed."""
    start, end = local_day_bounds(local_day(now))
    mine = select(func.count()).select_from(ProblemReport).where(col(ProblemReport.reporter_id) == user_id)
    today = session.exec(mine.where(col(ProblemReport.created_at) >= start, col(ProblemReport.created_at) < end)).one()
    if today >= MAX_NEW_PER_DAY:
        raise DomainError("problem_daily_limit", max=MAX_NEW_PER_DAY)
    if session.exec(mine.where(col(ProblemReport.status).in_(OPEN))).one() >= MAX_OPEN_PER_RESIDENT:
        raise DomainError("problem_open_limit", max=MAX_OPEN_PER_RESIDENT)
    if any(report.reporter_id == user_id for report, _ in _open_near(session, kind=kind, lat=lat, lon=lon)):
        raise DomainError("problem_already_yours")


def file_report(session: Session, *, user_id: int, kind: str, lat: float, lon: float, note: str | None = None,
                photo: Photo | None = None, now: datetime | None = None) -> ProblemReport:
    """A resident's new report at a spot, with its first step ("filed"). The page offers same_problem_candidates
    first; filing anyway is the resident's choice that it is a different problem."""
    now = now or utcnow()
    if photo is not None and not isinstance(photo, Photo):
        raise TypeError("file_report takes a Photo cleaned before the transaction (points.common.images)")
    kind, (lat, lon) = check_kind(kind), check_spot(lat, lon)
    note = check_text(note, limit=MAX_NOTE, code="problem_note_too_long")
    reporter = require_role(session, user_id, RESIDENT)
    lock_balance(session, user_id=user_id)
    _check_limits(session, user_id=user_id, kind=kind, lat=lat, lon=lon, now=now)
    report = ProblemReport(reporter_id=user_id, kind=kind, lat=lat, lon=lon, note=note, status=NEW,
                           photo=photo.data if photo else None, photo_type=photo.content_type if photo else None,
                           district=reporter.district, community=reporter.community, created_at=now, updated_at=now)
    session.add(report)
    session.flush()
    assert report.id is not None  # just flushed
    session.add(ProblemStep(report_id=report.id, actor_id=user_id, action="filed", status=NEW, created_at=now))
    return report


def join_report(session: Session, *, user_id: int, report_id: int, now: datetime | None = None) -> Joined:
    """"Same problem": the resident adds themselves to an open report (once; saying it again changes nothing)."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    report = session.get(ProblemReport, report_id)
    if report is None:
        raise DomainError("problem_unknown")
    if report.reporter_id == user_id:
        raise DomainError("problem_own_report")
    already = session.exec(select(ProblemSupport).where(col(ProblemSupport.report_id) == report_id,
                                                        col(ProblemSupport.user_id) == user_id)).first()
    if already is not None:
        return Joined(report=report, created=False)
    if report.status not in OPEN:
        raise DomainError("problem_closed")
    session.add(ProblemSupport(report_id=report_id, user_id=user_id, created_at=now))
    session.flush()
    return Joined(report=report, created=True)
