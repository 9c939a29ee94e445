"""What each reader may see of reports. The public map gets kind, status, day and a rounded spot, never a name,
a note or a photo (a note may name a neighbour, a photo show a face); a reporter sees their own reports with
every step; those who said "same problem" see the steps; admins and auditors see the queue in full.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import undefer
from sqlmodel import Session, col, select

from db.models import Claim, ProblemReport, ProblemStep, ProblemSupport, User
from points.common.clock import local_day, utcnow
from points.common.errors import DomainError
from points.common.roles import ACTIVE_USER, ADMIN, STAFF_READERS, require_role
from points.problems.filing import residents_on
from points.problems.rules import OPEN, STATUSES

PUBLIC_DAYS = 90       # the public layer shows reports changed within this many days
PUBLIC_DECIMALS = 4    # about 11 m: enough to find litter on a beach, too coarse to point at a doorway
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class ReportPin:
    """A report as anyone may see it on the map."""

    report_id: int
    kind: str
    status: str
    lat: float
    lon: float
    reported_on: str  # the local day, ISO
    residents: int


@dataclass(frozen=True)
class Trail:
    """A report with its steps, oldest first, how many residents it stands for, and what it credited."""

    report: ProblemReport
    steps: list[ProblemStep]
    residents: int
    points: int = 0


@dataclass(frozen=True)
class QueueItem:
    trail: Trail
    reporter: str          # username, for admins only
    assignee: str | None


def public_pins(session: Session, *, now: datetime | None = None) -> list[ReportPin]:
    """Reports changed in the last 90 days, for the map's reports layer."""
    since = (now or utcnow()) - timedelta(days=PUBLIC_DAYS)
    reports = list(session.exec(select(ProblemReport).where(col(ProblemReport.updated_at) >= since)
                                .order_by(col(ProblemReport.id))))
    counts = residents_on(session, report_ids=[report.id for report in reports if report.id is not None])
    return [ReportPin(report_id=report.id, kind=report.kind, status=report.status,
                      lat=round(report.lat, PUBLIC_DECIMALS), lon=round(report.lon, PUBLIC_DECIMALS),
                      reported_on=local_day(report.created_at).isoformat(), residents=counts[report.id])
            for report in reports if report.id is not None]


def _trails(session: Session, reports: list[ProblemReport]) -> list[Trail]:
    ids = [report.id for report in reports if report.id is not None]
    steps: dict[int, list[ProblemStep]] = {report_id: [] for report_id in ids}
    for step in session.exec(select(ProblemStep).options(undefer(ProblemStep.photo))  # type: ignore[arg-type]
                             .where(col(ProblemStep.report_id).in_(ids)).order_by(col(ProblemStep.id))):
        steps[step.report_id].append(step)
    counts = residents_on(session, report_ids=ids)
    claims = [report.claim_id for report in reports if report.claim_id is not None]
    points = dict(session.exec(select(Claim.id, Claim.points).where(col(Claim.id).in_(claims))).all()) if claims else {}
    return [Trail(report=report, steps=steps[report.id], residents=counts[report.id],
                  points=points.get(report.claim_id, 0) if report.claim_id else 0)
            for report in reports if report.id is not None]


def my_reports(session: Session, *, user_id: int) -> list[Trail]:
    """The resident's own reports, newest first, with their photos and every step."""
    reports = list(session.exec(select(ProblemReport).options(undefer(ProblemReport.photo))  # type: ignore[arg-type]
                                .where(col(ProblemReport.reporter_id) == user_id)
                                .order_by(col(ProblemReport.id).desc())))
    return _trails(session, reports)


def joined_reports(session: Session, *, user_id: int) -> list[Trail]:
    """Reports the resident said "same problem" to, newest first: steps yes, the reporter's note and photo no."""
    reports = list(session.exec(select(ProblemReport).join(ProblemSupport, col(ProblemSupport.report_id)
                                                           == col(ProblemReport.id))
                                .where(col(ProblemSupport.user_id) == user_id).order_by(col(ProblemReport.id).desc())))
    for report in reports:
        session.expunge(report)
        report.note, report.photo = None, None
    return _trails(session, reports)


def triage_queue(session: Session, *, actor_id: int, statuses: tuple[str, ...] = OPEN) -> list[QueueItem]:
    """Reports in the given statuses, oldest first, for admins (to act) and auditors (to read)."""
    require_role(session, actor_id, *STAFF_READERS)
    if not set(statuses) <= set(STATUSES):
        raise DomainError("problem_status_invalid")
    reports = list(session.exec(select(ProblemReport).options(undefer(ProblemReport.photo))  # type: ignore[arg-type]
                                .where(col(ProblemReport.status).in_(statuses)).order_by(col(ProblemReport.id))
                                .limit(QUEUE_LIMIT)))
    names = dict(session.exec(select(User.id, User.username).where(col(User.id).in_(
        {report.reporter_id for report in reports} | {report.assignee_id for report in reports if report.assignee_id}
    ))).all())
    return [QueueItem(trail=trail, reporter=names.get(trail.report.reporter_id, ""),
                      assignee=names.get(trail.report.assignee_id) if trail.report.assignee_id else None)
            for trail in _trails(session, reports)]


def assignable_admins(session: Session, *, actor_id: int) -> dict[int, str]:
    """Active admins a report may be given to, by id, with their usernames."""
    require_role(session, actor_id, *STAFF_READERS)
    rows = session.exec(select(User.id, User.username).where(col(User.role) == ADMIN, ACTIVE_USER)
                        .order_by(col(User.username))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}
