"""Reward administration: the terms staff review and an admin changes (cost, stock, whether offered), audited."""
from datetime import datetime

from sqlmodel import Session

from db.models import Reward
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role
from points.rewards.redemptions import list_rewards


def reward_terms(session: Session, *, actor_id: int) -> list[Reward]:
    """Every reward, withdrawn ones too, by code: the residents' list as staff need it to change the terms."""
    require_role(session, actor_id, *STAFF_READERS)
    return sorted(list_rewards(session, withdrawn_too=True), key=lambda reward: reward.code)


def update_reward(session: Session, *, actor_id: int, reward_id: int, cost: int, stock: int | None,
                  active: bool, now: datetime | None = None) -> Reward:
    """Change a reward's cost, stock (None: unlimited) and whether it is offered."""
    require_role(session, actor_id, ADMIN)
    if not isinstance(cost, int) or cost <= 0 or (stock is not None and (not isinstance(stock, int) or stock < 0)):
        raise DomainError("admin_reward_invalid")
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise DomainError("admin_unknown_reward")
    before = {"cost": reward.cost, "stock": reward.stock, "active": reward.active}
    reward.cost, reward.stock, reward.active = cost, stock, active
    session.add(reward)
    journal.record(session, actor_id=actor_id, action="catalog.reward", target_type="reward", target_id=reward_id,
                   before=before, after={"cost": cost, "stock": stock, "active": active}, now=now or utcnow())
    return reward
