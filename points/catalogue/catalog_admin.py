"""Catalogue management: a new factor is a new ActionType version with a cited source; reward terms."""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from db.models import ActionType, Reward
from points.audit import journal
from points.catalogue import actions
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role

MAX_SOURCE = 400


def list_actions(session: Session, *, actor_id: int) -> list[ActionType]:
    require_role(session, actor_id, *STAFF_READERS)
    return actions.list_current(session)


def action_versions(session: Session, *, actor_id: int, code: str) -> list[ActionType]:
    require_role(session, actor_id, *STAFF_READERS)
    return list(session.execute(select(ActionType).where(ActionType.code == code)
                                .order_by(ActionType.version.desc())).scalars())


def edit_factor(session: Session, *, actor_id: int, code: str, source: str, now: datetime | None = None,
                **changes) -> ActionType:
    """A factor change must cite its source; it becomes version n+1 and version n stays for old entries."""
    require_role(session, actor_id, ADMIN)
    source = (source or "").strip()
    if not source or len(source) > MAX_SOURCE:
        raise DomainError("admin_source_required")
    return actions.revise_action(session, actor_id=actor_id, code=code, now=now, source=source, **changes)


def list_rewards(session: Session, *, actor_id: int) -> list[Reward]:
    require_role(session, actor_id, *STAFF_READERS)
    return list(session.execute(select(Reward).order_by(Reward.code)).scalars())


def update_reward(session: Session, *, actor_id: int, reward_id: int, cost: int, stock: int | None,
                  active: bool) -> Reward:
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
    journal.record(session, actor_id=actor_id, action="catalog.reward", target_type="reward", target_id=reward.id,
                 before=before, after={"cost": cost, "stock": stock, "active": active})
    return reward
