"""16 processes redeem at once against one balance: exactly floor(B/c) succeed and the ledger adds up."""
import uuid

from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import Balance, LedgerEntry, Redemption, Reward
from points.common.errors import DomainError
from points.rewards.redemptions import redeem
from tests.support.ledger import credit
from tests.support.race import run_together

PROCESSES, COST, BALANCE = 16, 700, 5000


def redeem_once(user_id: int, reward_id: int) -> str:
    try:
        with write_session() as session:
            redeem(session, user_id=user_id, reward_id=reward_id, request_id=str(uuid.uuid4()))
    except DomainError as error:
        return error.code
    return "redeemed"


def test_concurrent_redemptions_succeed_exactly_floor_b_over_c_times(make_user, database):
    user = make_user("racer")
    credit(user.id, BALANCE)
    with write_session() as session:
        reward = Reward(code="race_ride", name_zh="乘车", name_en="Ride", cost=COST, stock=PROCESSES)
        session.add(reward)
        session.flush()
        reward_id = reward.id
    outcomes = run_together(redeem_once, [(user.id, reward_id)] * PROCESSES, database)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    results = [value for _, value in outcomes]
    assert results.count("redeemed") == BALANCE // COST
    assert results.count("insufficient_points") == PROCESSES - BALANCE // COST
    with read_session() as session:
        entries_sum = session.execute(select(func.sum(LedgerEntry.points))
                                      .where(LedgerEntry.user_id == user.id)).scalar_one()
        redemptions = session.execute(select(func.count()).select_from(Redemption)).scalar_one()
        stock = session.get(Reward, reward_id).stock
        final = session.get(Balance, user.id).points
    assert final == entries_sum == BALANCE - COST * (BALANCE // COST)
    assert redemptions == BALANCE // COST and stock == PROCESSES - BALANCE // COST
