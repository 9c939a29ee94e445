"""Read a resident's score inputs from the ledger (and the claims and appeals it points to), up to a date."""
from datetime import datetime

from sqlalchemy import and_, select
from sqlmodel import Session, col

from db.models import ActionType, Appeal, Claim, LedgerEntry
from points.claims.channels import SUPERSEDED
from points.common.clock import utcnow
from points.score.rules import Fact, Penalty, Score, compute

VOLUNTEER = "volunteer"
# A reversal that takes back a credit; a reversal naming a redemption gives spent points back instead.
CREDIT_REVERSAL = and_(col(LedgerEntry.kind) == "reversal", col(LedgerEntry.redemption_id).is_(None))


ActionTypes = tuple[dict[int, ActionType], dict[str, ActionType]]


def action_types(session: Session) -> ActionTypes:
    """Every catalogue version by id, and the latest by code; whoever scores many residents reads it once."""
    rows = list(session.execute(select(ActionType).order_by(col(ActionType.version))).scalars())
    return {row.id: row for row in rows}, {row.code: row for row in rows}


def _category(entry: LedgerEntry, action: ActionType | None) -> str:
    if action is not None:
        return action.category
    return VOLUNTEER if entry.action_code == VOLUNTEER else "other"


def _verified(entry: LedgerEntry, claim: Claim | None, action: ActionType | None) -> bool:
    """Checked by someone or something other than the resident: a QR checkpoint or a reviewer."""
    if entry.checkin_id is not None or (action is not None and action.verification == "qr"):
        return True
    return claim is not None and (claim.checkpoint_id is not None or claim.status == "approved"
                                  or claim.status_reason == "verified")


def load_facts(session: Session, *, user_id: int, until: datetime,
               actions: ActionTypes | None = None) -> tuple[list[Fact], list[Penalty]]:
    """Credits (with their reversal time) and penalties (with the time an upheld appeal cleared them).

    `actions` is action_types(session) when the caller already holds it; it is read here otherwise."""
    rows = session.execute(
        select(LedgerEntry, Claim).outerjoin(Claim, col(Claim.id) == col(LedgerEntry.claim_id))
        .where(col(LedgerEntry.user_id) == user_id, col(LedgerEntry.created_at) <= until)
        .order_by(col(LedgerEntry.id))).all()
    by_id, by_code = actions if actions is not None else action_types(session)
    earns = {entry.id: (entry, claim) for entry, claim in rows if entry.kind == "earn"}
    reversals = {entry.original_entry_id: entry for entry, _ in rows
                 if entry.kind == "reversal" and entry.original_entry_id in earns}
    facts = []
    for entry, claim in earns.values():
        action = by_id.get(entry.action_type_id) or by_code.get(entry.action_code or "")
        category = _category(entry, action)
        facts.append(Fact(entry_id=entry.id, at=entry.created_at, co2e_g=entry.co2e_g, category=category,
                          hours=float(entry.quantity or 0) if category == VOLUNTEER else 0.0,
                          verified=_verified(entry, claim, action),
                          reversed_at=reversals[entry.id].created_at if entry.id in reversals else None))
    return facts, _penalties(session, user_id=user_id, until=until, earns=earns, reversals=reversals)


def _penalties(session: Session, *, user_id: int, until: datetime, earns: dict,
               reversals: dict) -> list[Penalty]:
    """One penalty per claim (rejected, or credited then reversed), never two for the same case."""
    found: dict[str, Penalty] = {}
    for original_id, reversal in reversals.items():
        original, claim = earns[original_id]
        if claim is not None and claim.status == SUPERSEDED:  # replaced by verified data: nobody's fault
            continue
        key = f"claim:{original.claim_id}" if original.claim_id else f"entry:{original_id}"
        found.setdefault(key, Penalty(key=key, at=reversal.created_at, claim_id=original.claim_id,
                                      entry_ids=frozenset({original_id, reversal.id})))
    rejected = session.execute(select(Claim).where(col(Claim.user_id) == user_id,
                                                   col(Claim.status) == "rejected")).scalars()
    for claim in rejected:
        at = claim.reviewed_at or claim.created_at
        if at <= until:
            key = f"claim:{claim.id}"
            found[key] = Penalty(key=key, at=min(at, found[key].at) if key in found else at, claim_id=claim.id,
                                 entry_ids=found[key].entry_ids if key in found else frozenset())
    upheld = list(session.execute(
        select(Appeal).where(col(Appeal.user_id) == user_id, col(Appeal.status) == "upheld")).scalars())
    return [_cleared(penalty, upheld) for penalty in found.values()]


def _cleared(penalty: Penalty, upheld: list[Appeal]) -> Penalty:
    for appeal in upheld:
        same_claim = appeal.claim_id is not None and appeal.claim_id == penalty.claim_id
        if same_claim or appeal.entry_id in penalty.entry_ids:
            return Penalty(key=penalty.key, at=penalty.at, claim_id=penalty.claim_id, entry_ids=penalty.entry_ids,
                           cleared_at=appeal.decided_at)
    return penalty


def score_at(session: Session, *, user_id: int, now: datetime | None = None,
             actions: ActionTypes | None = None) -> Score:
    now = now or utcnow()
    facts, penalties = load_facts(session, user_id=user_id, until=now, actions=actions)
    return compute(facts, penalties, now)

