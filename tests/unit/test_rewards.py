"""Redeeming spends points once for a code; cancelling refunds exactly once; stock, tier and budget hold."""
import uuid

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import Balance, LedgerEntry, Redemption, Reward
from points.common.errors import DomainError
from points.rewards.redemptions import cancel, load_rewards, redeem
from tests.support.ledger import credit


def reward(code: str) -> Reward:
    with read_session() as session:
        return session.execute(select(Reward).where(Reward.code == code)).scalar_one()


def balance(user_id: int) -> int:
    with read_session() as session:
        return session.get(Balance, user_id).points


def do_redeem(user_id: int, code: str, request_id: str | None = None) -> Redemption:
    with write_session() as session:
        return redeem(session, user_id=user_id, reward_id=reward(code).id, request_id=request_id or str(uuid.uuid4()))


def do_cancel(user_id: int, redemption_id: int) -> Redemption:
    with write_session() as session:
        return cancel(session, user_id=user_id, redemption_id=redemption_id)


def count(model) -> int:
    with read_session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def resident(make_user):
    with write_session() as session:
        load_rewards(session)
    user = make_user("rita")
    credit(user.id, 5000)
    return user


def test_the_catalogue_loads_once_with_the_city_rewards():
    with write_session() as session:
        assert load_rewards(session) == 6
    with write_session() as session:
        assert load_rewards(session) == 0
    with read_session() as session:
        codes = set(session.execute(select(Reward.code)).scalars())
    assert codes == {"metro_ride", "bus_ride", "library_deposit_waiver", "park_cafe_voucher", "donate_tree",
                     "donate_mangrove"}


def test_redeeming_spends_the_cost_gives_a_code_and_takes_one_from_stock(resident):
    stock = reward("bus_ride").stock
    redemption = do_redeem(resident.id, "bus_ride")
    assert balance(resident.id) == 4000
    assert redemption.code.startswith("GE-") and len(redemption.code) == 14
    assert reward("bus_ride").stock == stock - 1
    with read_session() as session:
        entry = session.execute(select(LedgerEntry).where(LedgerEntry.redemption_id == redemption.id)).scalar_one()
    assert (entry.kind, entry.points, entry.idempotency_key) == ("redeem", -1000, redemption.idempotency_key)
    assert redemption.idempotency_key.startswith("redeem:")


def test_a_retried_redemption_returns_the_first_and_spends_once(resident):
    request_id = str(uuid.uuid4())
    first = do_redeem(resident.id, "bus_ride", request_id)
    again = do_redeem(resident.id, "bus_ride", request_id)
    assert again.id == first.id and again.code == first.code
    assert balance(resident.id) == 4000 and count(Redemption) == 1


def test_too_few_points_refuses_and_writes_nothing(resident):
    stock = reward("metro_ride").stock
    do_redeem(resident.id, "metro_ride")
    do_redeem(resident.id, "metro_ride")
    with pytest.raises(DomainError) as refused:
        do_redeem(resident.id, "metro_ride")
    assert refused.value.code == "insufficient_points"
    assert balance(resident.id) == 1000 and count(Redemption) == 2
    assert reward("metro_ride").stock == stock - 2


def test_a_reward_above_the_residents_tier_is_refused(resident):
    with pytest.raises(DomainError) as refused:
        do_redeem(resident.id, "park_cafe_voucher")
    assert refused.value.code == "reward_tier_too_low"
    assert balance(resident.id) == 5000 and count(Redemption) == 0


def test_an_empty_stock_and_a_spent_monthly_budget_refuse(resident):
    with write_session() as session:
        row = session.execute(select(Reward).where(Reward.code == "bus_ride")).scalar_one()
        row.stock = 0
        tree = session.execute(select(Reward).where(Reward.code == "donate_tree")).scalar_one()
        tree.monthly_budget = 1500
    attempts = (("bus_ride", "reward_out_of_stock"), ("donate_tree", None), ("donate_tree", "reward_budget_exhausted"))
    for code, error in attempts:
        if error is None:
            do_redeem(resident.id, code)
            continue
        with pytest.raises(DomainError) as refused:
            do_redeem(resident.id, code)
        assert refused.value.code == error
    assert balance(resident.id) == 4000


def test_cancelling_refunds_exactly_once_and_returns_the_item_to_stock(resident):
    stock = reward("bus_ride").stock
    redemption = do_redeem(resident.id, "bus_ride")
    do_cancel(resident.id, redemption.id)
    assert balance(resident.id) == 5000 and reward("bus_ride").stock == stock
    with pytest.raises(DomainError) as refused:
        do_cancel(resident.id, redemption.id)
    assert refused.value.code == "redemption_not_active"
    assert balance(resident.id) == 5000 and reward("bus_ride").stock == stock
    with read_session() as session:
        refunds = session.execute(select(LedgerEntry).where(LedgerEntry.kind == "reversal")).scalars().all()
        status = session.get(Redemption, redemption.id).status
    assert [(entry.points, entry.idempotency_key) for entry in refunds] == [(1000, f"refund:{redemption.id}")]
    assert status == "cancelled"


def test_a_cancelled_redemption_frees_its_monthly_budget(resident):
    with write_session() as session:
        session.execute(select(Reward).where(Reward.code == "donate_tree")).scalar_one().monthly_budget = 1000
    first = do_redeem(resident.id, "donate_tree")
    do_cancel(resident.id, first.id)
    do_redeem(resident.id, "donate_tree")
    assert balance(resident.id) == 4000


def test_nobody_else_can_cancel_my_redemption(resident, make_user):
    other = make_user("otto")
    redemption = do_redeem(resident.id, "bus_ride")
    with pytest.raises(DomainError) as refused:
        do_cancel(other.id, redemption.id)
    assert refused.value.code == "redemption_unknown"
    assert balance(resident.id) == 4000
