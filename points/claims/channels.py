"""Where a claim came from, and one trip, one credit across those channels.

Verified data is the main road: a partner system (metro card, recycling machine) or an attendant who weighed
the material. A resident's own report is the side path: it earns a share of the credit (ActionType.self_share)
within a lower daily cap (self_daily_cap), and never next to verified data for the same action and local day:
a self-report after a verified credit is refused, a verified credit after self-reports supersedes them (their
credit reversed in the same transaction), so the day is credited once, from the better source.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Table, bindparam, func, literal_column, select
from sqlmodel import Session, col

from db.driver_statement import DriverStatement
from db.models import ActionType, Claim, LedgerEntry, Partner
from points.catalogue.carbon import credit_for
from points.ledger.chain import post

SELF, CHECKPOINT, STAFF, PARTNER = "self", "checkpoint", "staff", "partner"
SOURCES = (SELF, CHECKPOINT, STAFF, PARTNER)
# The sources that cover a day. A checkpoint scan credits a visit (one km at a trailhead), not the day's trips.
COVERING_SOURCES = (STAFF, PARTNER)
CREDITED = ("auto", "approved")
OPEN = ("pending", *CREDITED)  # a self-report still waiting or counting: what a verified credit supersedes
SUPERSEDED = "superseded"
SUPERSEDED_REASON = "superseded by verified data"


@dataclass(frozen=True)
class SelfClaim:
    """A self-report of the day still open: its net credit so far (zero while pending)."""

    claim_id: int
    action_type_id: int
    status: str
    quantity: float
    points: int
    co2e_g: int
    first_entry_id: int | None


@dataclass(frozen=True)
class DayUse:
    """One user's action on one local day, across every channel."""

    used: float       # units credited, every source, net of reversals: what the verified cap counts
    self_used: float  # of which self-reported: what the self-report cap counts
    covered: bool     # a covering (verified) source credited the action that day
    open_self: tuple[SelfClaim, ...]


# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
CLAIM_TABLE: Table = Claim.__table__  # type: ignore[attr-defined]
_claim = CLAIM_TABLE
_entry: Table = LedgerEntry.__table__  # type: ignore[attr-defined]
# One indexed query per claim or verified credit (built once): each claim of the day with its net credit.
_zero: ColumnElement[int] = literal_column("0")  # in the SQL text: a DriverStatement binds only the named parameters
_net = (func.coalesce(func.sum(_entry.c.quantity), _zero), func.coalesce(func.sum(_entry.c.points), _zero),
        func.coalesce(func.sum(_entry.c.co2e_g), _zero), func.min(_entry.c.id))
DAY_CLAIMS = DriverStatement(
    select(_claim.c.id, _claim.c.action_type_id, _claim.c.source, _claim.c.status, *_net)
    .select_from(_claim.outerjoin(_entry, _entry.c.claim_id == _claim.c.id))
    .where(_claim.c.user_id == bindparam("user"), _claim.c.action_code == bindparam("action"),
           _claim.c.local_day == bindparam("day"))
    .group_by(_claim.c.id, _claim.c.action_type_id, _claim.c.source, _claim.c.status))


def day_use(session: Session, *, user_id: int, action_code: str, day: str) -> DayUse:
    """What the day already holds; the caller holds the user's balance lock, so it stays true until commit."""
    used = self_used = 0.0
    covered, open_self = False, []
    for claim_id, version_id, source, status, quantity, points, co2e_g, first in DAY_CLAIMS.rows(
            session.connection(), {"user": user_id, "action": action_code, "day": day}):
        used += quantity
        if source == SELF:
            self_used += quantity
            if status in OPEN:
                open_self.append(SelfClaim(claim_id, version_id, status, round(float(quantity), 2), int(points),
                                           int(co2e_g), first))
        elif source in COVERING_SOURCES and status in CREDITED:
            covered = True
    return DayUse(round(used, 2), round(self_used, 2), covered, tuple(open_self))


def room_left(action: ActionType, use: DayUse, *, source: str) -> float | None:
    """Units still creditable that day (None: no cap). The verified cap counts every source; a self-report
    also stays within its own lower cap, which counts self-reports only."""
    limits = [(action.daily_cap, use.used)]
    if source == SELF:
        limits.append((action.self_daily_cap, use.self_used))
    rooms = [cap - used for cap, used in limits if cap is not None]
    return max(0.0, round(min(rooms), 2)) if rooms else None


def share_for(action: ActionType, *, source: str) -> float:
    """The part of the credit a claim earns: verified data all of it, a self-report its share."""
    return action.self_share if source == SELF else 1.0


def supersede_self_reports(session: Session, *, user_id: int, action_code: str, use: DayUse,
                           now: datetime) -> float:
    """A verified credit arrived for a day with self-reports: reverse what each earned (an entry naming the
    original) and mark them superseded, pending ones too, in the caller's transaction; the units freed.

    Each claim is superseded once: its status leaves OPEN, and the reversal's key is the claim's.
    """
    freed = 0.0
    for stale in use.open_self:
        if stale.points or stale.co2e_g or stale.quantity:
            post(session, user_id=user_id, kind="reversal", points=-stale.points, co2e_g=-stale.co2e_g,
                 idempotency_key=f"supersede:{stale.claim_id}", request={"supersedes": stale.claim_id}, now=now,
                 action_code=action_code, action_type_id=stale.action_type_id, quantity=-stale.quantity,
                 claim_id=stale.claim_id, original_entry_id=stale.first_entry_id, reason=SUPERSEDED_REASON)
            freed += stale.quantity
        claim = session.get(Claim, stale.claim_id)
        assert claim is not None  # just read by day_use under the same lock
        claim.status, claim.status_reason, claim.points, claim.co2e_g = SUPERSEDED, SUPERSEDED, 0, 0
        session.add(claim)
    session.flush()  # rare, and the next day_use in this transaction reads the table, not the session
    return round(freed, 2)


@dataclass(frozen=True)
class SelfPreview:
    """What a self-report of `quantity` earns next to what verified data would."""

    full_points: int
    share: float
    self_points: int
    self_cap: float | None
    daily_cap: float | None
    partner_kinds: tuple[str, ...]  # kinds of active partners reporting this action: a hint to link one


ACTIVE_PARTNERS = select(col(Partner.kind), col(Partner.actions)).where(col(Partner.status) == "active")


def partner_kinds_for(session: Session, *, action_code: str) -> tuple[str, ...]:
    """The kinds of active partners that may report this action, each once, in a stable order."""
    kinds = {kind for kind, actions in session.execute(ACTIVE_PARTNERS) if action_code in (actions or [])}
    return tuple(sorted(kinds))


def self_report_preview(session: Session, *, action: ActionType, quantity: float) -> SelfPreview:
    """The log page's preview: 'self-reported: 50 % of 467 = 233 points', and whether a partner could do better."""
    full = credit_for(action, quantity)
    shared = credit_for(action, quantity, share=action.self_share)
    kinds = partner_kinds_for(session, action_code=action.code)
    return SelfPreview(full_points=full.points, share=action.self_share, self_points=shared.points,
                       self_cap=action.self_daily_cap, daily_cap=action.daily_cap, partner_kinds=kinds)
