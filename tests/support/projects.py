"""Shared set-up for the project and certificate tests: an admin's open project, a gift, a volunteer's hours."""
import uuid

from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import Project
from points.projects.gifts import give
from points.projects.registry import OPEN, create_project, set_status
from tests.support.checkin import END, START, check_out, load_city, make_checkpoint, scan


def open_project(admin_id: int, *, goal: int = 1000, title_zh: str = "下潭尾红树林种植",
                 title_en: str = "Mangrove planting at Xiatanwei") -> int:
    with write_session() as session:
        project = create_project(session, actor_id=admin_id, title_zh=title_zh, title_en=title_en,
                                 description_zh="在下潭尾湿地种下红树林幼苗。",
                                 description_en="Mangrove seedlings planted in the Xiatanwei wetland.",
                                 goal_points=goal)
        set_status(session, actor_id=admin_id, project_id=project.id, status=OPEN)
        return project.id


def gift(user_id: int, project_id: int, points: int, request_id: str | None = None):
    with write_session() as session:
        return give(session, user_id=user_id, project_id=project_id, points=points,
                    request_id=request_id or str(uuid.uuid4()))


def project(project_id: int) -> Project:
    with read_session() as session:
        return session.get(Project, project_id)


def count(model) -> int:
    with read_session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def volunteered(make_user, *, display_name: str = "林丽"):
    """A resident who checked in at an event and out at its end: 3 credited hours at one event."""
    load_city()
    event = make_checkpoint(make_user("olga", role="organizer").id)
    rita = make_user("rita", display_name=display_name)
    scan(rita.id, event, now=START)
    check_out(rita.id, event, now=END)
    return rita
