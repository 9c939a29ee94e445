"""Rewards: the list on offer, redeeming for a code, and cancelling with a refund that can happen only once.

A redemption locks the resident's Balance first (the per-user lock) and then the Reward row (stock), always in
that order, and writes the Redemption, the ledger entry and the stock in one transaction.
"""
import json
import secrets
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.config import ASSETS_DIR
from db.engine import locked
from db.models import LedgerEntry, Redemption, Reward
from points.common.clock import month_start, utcnow
from points.common.errors import DomainError
from points.common.roles import RESIDENT, require_role
from points.ledger.chain import lock_balance, post
from points.score.facts import score_at
from points.score.rules import tier_rank

CATALOGUE_FILE = ASSETS_DIR / "rewards.json"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud at counters
ACTIVE, CANCELLED = "active", "cancelled"


def load_rewards(session: Session) -> int:
    """City loader: add the catalogue's rewards that are not in the database yet."""
    known = set(session.exec(select(Reward.code)))
    added = 0
    for item in json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["rewards"]:
        if item["code"] not in known:
            session.add(Reward(**item, created_at=utcnow()))
            added += 1
    session.flush()
    return added


def list_rewards(session: Session, *, withdrawn_too: bool = False) -> list[Reward]:
    """The rewards on offer, cheapest first; `withdrawn_too` adds those no longer offered (what staff manage)."""
    query = select(Reward).order_by(col(Reward.cost), col(Reward.id))
    if not withdrawn_too:
        query = query.where(col(Reward.active))
    return list(session.exec(query))


def my_redemptions(session: Session, *, user_id: int) -> list[tuple[Redemption, Reward]]:
    return list(session.exec(select(Redemption, Reward).join(Reward, col(Reward.id) == col(Redemption.reward_id))
                             .where(col(Redemption.user_id) == user_id).order_by(col(Redemption.id).desc())).all())


def _lock_reward(session: Session, *, reward_id: int) -> Reward:
    reward = session.exec(locked(session, select(Reward).where(col(Reward.id) == reward_id))).one_or_none()
    if reward is None:
        raise DomainError("reward_unknown")
    return reward


def _spent_this_month(session: Session, *, reward: Reward, now: datetime) -> int:
    return session.exec(select(func.coalesce(func.sum(Redemption.cost), 0)).where(
        col(Redemption.reward_id) == reward.id, col(Redemption.status) == ACTIVE,
        col(Redemption.created_at) >= month_start(now))).one()


def _check_available(session: Session, *, reward: Reward, user_id: int, now: datetime) -> None:
    if not reward.active:
        raise DomainError("reward_unknown")
    if reward.stock is not None and reward.stock <= 0:
        raise DomainError("reward_out_of_stock")
    if (reward.monthly_budget is not None
            and _spent_this_month(session, reward=reward, now=now) + reward.cost > reward.monthly_budget):
        raise DomainError("reward_budget_exhausted")
    if reward.min_tier and (tier_rank(score_at(session, user_id=user_id, now=now).tier["code"])
                            < tier_rank(reward.min_tier)):
        raise DomainError("reward_tier_too_low", tier=reward.min_tier)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"GE-{raw[:5]}-{raw[5:]}"


def redeem(session: Session, *, user_id: int, reward_id: int, request_id: str,
           now: datetime | None = None) -> Redemption:
    """Spend the reward's cost for a code; a retry with the same request id returns the first redemption."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    key = f"redeem:{request_id}"
    lock_balance(session, user_id=user_id)
    existing = session.exec(select(Redemption).where(col(Redemption.idempotency_key) == key)).one_or_none()
    if existing is not None:
        if existing.user_id != user_id or existing.reward_id != reward_id:
            raise DomainError("idempotency_conflict")
        return existing
    reward = _lock_reward(session, reward_id=reward_id)
    _check_available(session, reward=reward, user_id=user_id, now=now)
    redemption = Redemption(user_id=user_id, reward_id=reward_id, cost=reward.cost, code=new_code(),
                            status=ACTIVE, idempotency_key=key, created_at=now)
    session.add(redemption)
    session.flush()
    post(session, user_id=user_id, kind="redeem", points=-reward.cost, idempotency_key=key,
         request={"reward_id": reward.id, "cost": reward.cost}, now=now, redemption_id=redemption.id,
         reason=f"reward {reward.code}", created_by=user_id)
    if reward.stock is not None:
        reward.stock -= 1
        session.add(reward)
    return redemption


def cancel(session: Session, *, user_id: int, redemption_id: int, now: datetime | None = None) -> Redemption:
    """Give the points back and the item to stock; a second cancel is refused and refunds nothing."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    lock_balance(session, user_id=user_id)
    redemption = session.get(Redemption, redemption_id)
    if redemption is None or redemption.user_id != user_id:
        raise DomainError("redemption_unknown")
    session.refresh(redemption)
    if redemption.status != ACTIVE:
        raise DomainError("redemption_not_active")
    reward = _lock_reward(session, reward_id=redemption.reward_id)
    original = session.exec(select(LedgerEntry).where(
        col(LedgerEntry.idempotency_key) == redemption.idempotency_key)).one()
    post(session, user_id=user_id, kind="reversal", points=redemption.cost,
         idempotency_key=f"refund:{redemption.id}", request={"redemption_id": redemption.id}, now=now,
         redemption_id=redemption.id, original_entry_id=original.id, reason="redemption cancelled",
         created_by=user_id)
    redemption.status, redemption.cancelled_at = CANCELLED, now
    session.add(redemption)
    if reward.stock is not None:
        reward.stock += 1
        session.add(reward)
    return redemption
