"""8 residents give at once to a project that needs less than they offer together: the goal is never overfilled,
each refusal writes nothing, and a cancel run twice (the second racing nothing) gives every gift back once."""
import uuid

from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import LedgerEntry, ProjectGift
from points.common.errors import DomainError
from points.ledger.verify import verify_ledger
from points.projects.gifts import give
from points.projects.refunds import cancel_and_refund
from tests.support.ledger import balance_of, credit
from tests.support.projects import open_project, project
from tests.support.race import run_together

RESIDENTS, GIFT, GOAL = 8, 300, 1000


def give_once(user_id: int, project_id: int) -> str:
    try:
        with write_session() as session:
            give(session, user_id=user_id, project_id=project_id, points=GIFT, request_id=str(uuid.uuid4()))
    except DomainError as error:
        return error.code
    return "given"


def test_concurrent_gifts_never_overfill_the_goal_and_refund_once(make_user, database):
    admin = make_user("ada", role="admin")
    residents = [make_user(f"giver{i}") for i in range(RESIDENTS)]
    for resident in residents:
        credit(resident.id, GIFT)
    project_id = open_project(admin.id, goal=GOAL)
    outcomes = run_together(give_once, [(resident.id, project_id) for resident in residents], database)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    results = [value for _, value in outcomes]
    assert results.count("given") == GOAL // GIFT
    assert results.count("project_gift_over_goal") == RESIDENTS - GOAL // GIFT
    assert project(project_id).raised_points == GIFT * (GOAL // GIFT)
    with read_session() as session:
        gifts = session.execute(select(func.count()).select_from(ProjectGift)).scalar_one()
        given = session.execute(select(func.sum(LedgerEntry.points)).where(LedgerEntry.kind == "give")).scalar_one()
    assert (gifts, given) == (GOAL // GIFT, -GIFT * (GOAL // GIFT))
    assert [cancel_and_refund(actor_id=admin.id, project_id=project_id) for _ in range(2)] == [GOAL // GIFT, 0]
    assert all(balance_of(resident.id).points == GIFT for resident in residents)
    with read_session() as session:
        assert verify_ledger(session).ok
