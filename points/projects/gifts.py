"""Giving points to a project: one `give` ledger entry and one gift row, or nothing at all.

The resident's Balance is locked first (the per-user lock), then the project's row, always in that order (refunds
too), so two gifts of one resident cannot overdraw and two residents cannot overfill the goal. A retry with the
same request id returns the first gift and writes nothing.
"""
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import Project, ProjectGift
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import RESIDENT, require_role
from points.ledger.chain import lock_balance, post
from points.projects.registry import FUNDED, OPEN, lock_project

GIVE = "give"


def gift_key(request_id: str) -> str:
    return f"give:{request_id}"


def _replay(session: Session, *, key: str, user_id: int, project_id: int, points: int) -> ProjectGift | None:
    existing = session.exec(select(ProjectGift).where(col(ProjectGift.idempotency_key) == key)).one_or_none()
    if existing is not None and (existing.user_id, existing.project_id, existing.points) != (user_id, project_id,
                                                                                               points):
        raise DomainError("idempotency_conflict")
    return existing


def give(session: Session, *, user_id: int, project_id: int, points: int, request_id: str,
         now: datetime | None = None) -> ProjectGift:
    """Give `points` to an open project: never more than the balance (insufficient_points) nor than the goal still
    needs (project_gift_over_goal); reaching the goal marks the project funded."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    if not isinstance(points, int) or points < 1:
        raise DomainError("project_gift_range")
    key = gift_key(request_id)
    lock_balance(session, user_id=user_id)
    existing = _replay(session, key=key, user_id=user_id, project_id=project_id, points=points)
    if existing is not None:
        return existing
    project = lock_project(session, project_id=project_id)
    if project.status != OPEN:
        raise DomainError("project_not_open")
    if points > project.goal_points - project.raised_points:
        raise DomainError("project_gift_over_goal", remaining=project.goal_points - project.raised_points)
    posted = post(session, user_id=user_id, kind=GIVE, points=-points, idempotency_key=key, now=now,
                  request={"project_id": project_id, "points": points}, reason=f"project {project_id}",
                  created_by=user_id)
    assert posted.entry.id is not None  # post knows the id before it hashes the entry
    gift = ProjectGift(project_id=project_id, user_id=user_id, points=points, entry_id=posted.entry.id,
                       idempotency_key=key, created_at=now)
    session.add(gift)
    project.raised_points += points
    if project.raised_points >= project.goal_points:
        project.status = FUNDED
    project.updated_at = now
    session.add(project)
    session.flush()
    return gift


def my_gifts(session: Session, *, user_id: int) -> list[tuple[ProjectGift, Project]]:
    """The resident's gifts, newest first, each with its project."""
    return list(session.exec(select(ProjectGift, Project).join(Project, col(Project.id) == col(ProjectGift.project_id))
                             .where(col(ProjectGift.user_id) == user_id).order_by(col(ProjectGift.id).desc())).all())


def givers(session: Session, *, project_id: int) -> int:
    """How many residents gave to the project (refunded gifts left out): a number, never who."""
    return len(set(session.exec(select(ProjectGift.user_id).where(
        col(ProjectGift.project_id) == project_id, col(ProjectGift.refund_entry_id).is_(None))).all()))
