"""Triage by admins: confirm, assign, start, fix (a note and an "after" photo), or close as not a problem (a
reason). Each step is one ProblemStep (the trail the reporter sees) and one audit entry, in the same
transaction, and every change of status tells the reporter and those who said "same problem" in their inbox.

A confirmed report credits its reporter once, through the claims lifecycle (catalogue action `env_report`, its
daily cap, key `report:{id}`); a report closed as not a problem credits nothing. Taking a step the report has
already taken changes nothing, so a second "confirm" neither writes nor credits again.

Why admins and no `inspector` role: a new role reaches the sign-in menus, the users page and every role matrix;
the report keeps its district, so a per-district inspector can be added later as a filter on the same steps.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import ProblemReport, ProblemStep, ProblemSupport, User
from points.audit import journal
from points.claims.channels import STAFF
from points.claims.lifecycle import check_text, record_verified
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.images import Photo
from points.common.roles import ADMIN, is_active, require_role
from points.inbox.messages import notify
from points.problems.rules import ASSIGNABLE, FIXED, MAX_STEP_NOTE, NEW, NOT_A_PROBLEM, OPEN, STEPS

REPORT_ACTION = "env_report"
STEP_NAMES = {"confirm": "confirmed", "start": "started", "fix": "fixed", "dismiss": "dismissed"}


@dataclass(frozen=True)
class Triaged:
    report: ProblemReport
    step: ProblemStep | None  # None: the report had already taken this step, nothing was written
    points: int = 0           # credited to the reporter by this step


def _report_for_triage(session: Session, *, actor_id: int, report_id: int) -> ProblemReport:
    """An admin, not the reporter, with the report's row locked before its status is read."""
    require_role(session, actor_id, ADMIN)
    report = session.exec(select(ProblemReport).where(col(ProblemReport.id) == report_id)
                          .with_for_update()).first()
    if report is None:
        raise DomainError("problem_unknown")
    if report.reporter_id == actor_id:
        raise DomainError("problem_own_report")
    return report


def _check_step(report: ProblemReport, action: str) -> bool:
    """True when the step is to be taken; False when the report has already taken it (or passed it)."""
    starts, ends = STEPS[action]
    if report.status == ends or (action == "confirm" and report.status in OPEN and report.status != NEW):
        return False
    if report.status in (FIXED, NOT_A_PROBLEM):
        raise DomainError("problem_closed")
    if report.status not in starts:
        raise DomainError("problem_not_confirmed" if report.status == NEW else "problem_already_confirmed")
    return True


def _credit_reporter(session: Session, *, report: ProblemReport, actor_id: int, now: datetime) -> int:
    """The reporter's credit for a confirmed report, once by its key; an account closed since earns nothing."""
    if not is_active(session.get(User, report.reporter_id)):
        return 0
    result = record_verified(session, user_id=report.reporter_id, action_code=REPORT_ACTION, quantity=1,
                             occurred_at=report.created_at, idempotency_key=f"report:{report.id}",
                             created_by=actor_id, source=STAFF, now=now)
    report.claim_id = result.claim.id
    return result.points


def _tell(session: Session, *, report: ProblemReport, step: ProblemStep, now: datetime) -> None:
    """The reporter and everyone who said "same problem" hear of the new status, once per step."""
    params = {"report": report.id, "kind_key": f"problems.kind.{report.kind}",
              "status_key": f"problems.status.{step.status}"}
    supporters = session.exec(select(ProblemSupport.user_id).where(col(ProblemSupport.report_id) == report.id)).all()
    for user_id, topic in [(report.reporter_id, "problem_status"), *((s, "problem_status_joined") for s in supporters)]:
        notify(session, user_id=user_id, topic=topic, params=params, key=f"problem:{step.id}:{user_id}", now=now)


def _record(session: Session, *, report: ProblemReport, actor_id: int, action: str, status: str, note: str | None,
            photo: Photo | None, before: dict, now: datetime, points: int = 0) -> ProblemStep:
    assert report.id is not None  # read from the database
    report.status, report.updated_at = status, now
    session.add(report)
    step = ProblemStep(report_id=report.id, actor_id=actor_id, action=action, status=status, note=note,
                       photo=photo.data if photo else None, photo_type=photo.content_type if photo else None,
                       created_at=now)
    session.add(step)
    session.flush()
    journal.record(session, actor_id=actor_id, action=f"problem.{action}", now=now, target_type="problem_report",
                   target_id=report.id, before=before,
                   after={"status": status, "assignee_id": report.assignee_id, "note": note, "points": points})
    return step


def _checked_photo(photo: Photo | None) -> Photo | None:
    if photo is not None and not isinstance(photo, Photo):
        raise TypeError("triage takes a Photo cleaned before the transaction (points.common.images)")
    return photo


def take_step(session: Session, *, actor_id: int, report_id: int, action: str, note: str | None = None,
              photo: Photo | None = None, now: datetime | None = None) -> Triaged:
    """confirm, start, fix (a note required, an after photo allowed) or dismiss (a reason required)."""
    now = now or utcnow()
    if action not in STEPS:
        raise ValueError(f"unknown triage step {action!r}")
    photo = _checked_photo(photo)
    note = check_text(note, limit=MAX_STEP_NOTE, code="problem_step_note_too_long")
    if action in ("fix", "dismiss") and note is None:
        raise DomainError("problem_fix_note_required" if action == "fix" else "problem_reason_required")
    report = _report_for_triage(session, actor_id=actor_id, report_id=report_id)
    if not _check_step(report, action):
        return Triaged(report=report, step=None)
    before = {"status": report.status, "assignee_id": report.assignee_id}
    points = _credit_reporter(session, report=report, actor_id=actor_id, now=now) if action == "confirm" else 0
    step = _record(session, report=report, actor_id=actor_id, action=STEP_NAMES[action], status=STEPS[action][1],
                   note=note, photo=photo if action == "fix" else None, before=before, now=now, points=points)
    _tell(session, report=report, step=step, now=now)
    return Triaged(report=report, step=step, points=points)


def assign(session: Session, *, actor_id: int, report_id: int, assignee_id: int, note: str | None = None,
           now: datetime | None = None) -> Triaged:
    """Give an open report to an admin to follow; the status stays, so nobody is notified."""
    now = now or utcnow()
    note = check_text(note, limit=MAX_STEP_NOTE, code="problem_step_note_too_long")
    report = _report_for_triage(session, actor_id=actor_id, report_id=report_id)
    assignee = session.get(User, assignee_id)
    if not is_active(assignee) or assignee.role != ADMIN:
        raise DomainError("problem_assignee_invalid")
    if report.status not in ASSIGNABLE:
        raise DomainError("problem_closed")
    if report.assignee_id == assignee_id:
        return Triaged(report=report, step=None)
    before = {"status": report.status, "assignee_id": report.assignee_id}
    report.assignee_id = assignee_id
    step = _record(session, report=report, actor_id=actor_id, action="assigned", status=report.status, note=note,
                   photo=None, before=before, now=now)
    return Triaged(report=report, step=step)
