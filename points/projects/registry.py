"""Projects and their statuses: draft -> open -> funded (the goal reached) -> closed; any but closed -> cancelled.

Only admins write here, each change audited; the public sees projects once they are open.
"""
from datetime import datetime

from sqlmodel import Session, col, select

from db.engine import locked
from db.models import Project
from points.audit.journal import record
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role

DRAFT, OPEN, FUNDED, CLOSED, CANCELLED = "draft", "open", "funded", "closed", "cancelled"
STATUSES = (DRAFT, OPEN, FUNDED, CLOSED, CANCELLED)
PUBLIC = (OPEN, FUNDED, CLOSED)
MAX_GOAL = 10_000_000  # one ledger entry's limit too (points.ledger.chain.MAX_ENTRY_POINTS)
TITLE_LIMIT, DESCRIPTION_LIMIT = 120, 2000
# Which status an admin may move a project to, from which: funding happens by gifts, cancelling in refunds.
MOVES = {OPEN: (DRAFT,), CLOSED: (OPEN, FUNDED)}


def _text(value: str, *, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError("project_title_required")
    if len(text) > limit:
        raise DomainError("project_text_too_long", limit=limit)
    return text


def create_project(session: Session, *, actor_id: int, title_zh: str, title_en: str, goal_points: int,
                   description_zh: str = "", description_en: str = "", now: datetime | None = None) -> Project:
    """A draft: nobody but admins sees it until it is published."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    if not isinstance(goal_points, int) or not 0 < goal_points <= MAX_GOAL:
        raise DomainError("project_goal_range", most=MAX_GOAL)
    project = Project(title_zh=_text(title_zh, limit=TITLE_LIMIT, required=True),
                      title_en=_text(title_en, limit=TITLE_LIMIT, required=True),
                      description_zh=_text(description_zh, limit=DESCRIPTION_LIMIT, required=False),
                      description_en=_text(description_en, limit=DESCRIPTION_LIMIT, required=False),
                      goal_points=goal_points, status=DRAFT, created_by=actor_id, created_at=now, updated_at=now)
    session.add(project)
    session.flush()
    assert project.id is not None  # flushed
    record(session, actor_id=actor_id, action="project_create", target_type="project", target_id=project.id,
           after={"title_en": project.title_en, "goal_points": goal_points}, now=now)
    return project


def lock_project(session: Session, *, project_id: int) -> Project:
    """The project row, locked (FOR UPDATE on PostgreSQL) and re-read: gifts and status changes take turns."""
    project = session.exec(locked(session, select(Project).where(col(Project.id) == project_id))
                           .execution_options(populate_existing=True)).one_or_none()
    if project is None:
        raise DomainError("project_unknown")
    return project


def set_status(session: Session, *, actor_id: int, project_id: int, status: str,
               now: datetime | None = None) -> Project:
    """Publish a draft (open) or close an open or funded project; anything else is refused."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    project = lock_project(session, project_id=project_id)
    if project.status not in MOVES.get(status, ()):
        raise DomainError("project_status_change")
    before = project.status
    project.status, project.updated_at = status, now
    session.add(project)
    record(session, actor_id=actor_id, action=f"project_{status}", target_type="project", target_id=project_id,
           before={"status": before}, after={"status": status}, now=now)
    return project


def list_projects(session: Session, *, statuses: tuple[str, ...] = PUBLIC) -> list[Project]:
    """Open projects first, then funded, then closed (or whichever statuses are asked for), newest first."""
    projects = session.exec(select(Project).where(col(Project.status).in_(statuses))
                            .order_by(col(Project.id).desc())).all()
    return sorted(projects, key=lambda project: statuses.index(project.status))


def public_project(session: Session, *, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None or project.status not in (*PUBLIC, CANCELLED):
        raise DomainError("project_unknown")
    return project
