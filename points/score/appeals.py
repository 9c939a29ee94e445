"""Appeals: a resident contests a rejected claim or a reversed credit; an admin decides with a reason.

An upheld appeal clears the penalty from the score from the decision on (the score reads appeals); it does
not re-credit points by itself: that stays a claim decision. Every decision is audited.
"""
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Appeal, Claim, LedgerEntry
from points.audit import journal
from points.claims.channels import SUPERSEDED
from points.claims.lifecycle import reinstate_claim, restore_reversed
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, RESIDENT, STAFF_READERS, require_role
from points.inbox.messages import notify
from points.score.facts import CREDIT_REVERSAL

MAX_NOTE, MAX_REASON = 1000, 400
OPEN, UPHELD, DISMISSED = "open", "upheld", "dismissed"


def _text(value: str | None, limit: int, *, empty: str, too_long: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(empty)
    if len(value) > limit:
        raise DomainError(too_long, max=limit)
    return value


def _check_target(session: Session, *, user_id: int, claim_id: int | None, entry_id: int | None) -> None:
    """Only one's own rejected claim, or one's own reversal of a credit, can be appealed."""
    if (claim_id is None) == (entry_id is None):
        raise DomainError("appeal_target_invalid")
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None or claim.user_id != user_id or claim.status != "rejected":
            raise DomainError("appeal_target_invalid")
        return
    entry = session.get(LedgerEntry, entry_id)
    original = session.get(LedgerEntry, entry.original_entry_id) if entry and entry.original_entry_id else None
    if entry is None or entry.user_id != user_id or entry.kind != "reversal" \
            or original is None or original.kind != "earn":
        raise DomainError("appeal_target_invalid")
    claim = session.get(Claim, entry.claim_id) if entry.claim_id is not None else None
    if claim is not None and claim.status == SUPERSEDED:  # verified data replaced it: restoring would double-credit
        raise DomainError("appeal_target_invalid")


def file_appeal(session: Session, *, user_id: int, note: str, claim_id: int | None = None,
                entry_id: int | None = None, now: datetime | None = None) -> Appeal:
    require_role(session, user_id, RESIDENT)
    note = _text(note, MAX_NOTE, empty="appeal_note_required", too_long="note_too_long")
    _check_target(session, user_id=user_id, claim_id=claim_id, entry_id=entry_id)
    pending = session.execute(select(Appeal).where(col(Appeal.user_id) == user_id, col(Appeal.claim_id) == claim_id,
                                                   col(Appeal.entry_id) == entry_id,
                                                   col(Appeal.status) == OPEN)).first()
    if pending is not None:
        raise DomainError("appeal_already_open")
    appeal = Appeal(user_id=user_id, claim_id=claim_id, entry_id=entry_id, note=note, status=OPEN,
                    created_at=now or utcnow())
    session.add(appeal)
    session.flush()
    return appeal


def decide_appeal(session: Session, *, actor_id: int, appeal_id: int, uphold: bool, reason: str,
                  now: datetime | None = None) -> Appeal:
    """Uphold or dismiss once, with a reason the resident will read; the audit log keeps who and why."""
    require_role(session, actor_id, ADMIN)
    reason = _text(reason, MAX_REASON, empty="reason_required", too_long="reason_too_long")
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise DomainError("appeal_unknown")
    if appeal.user_id == actor_id:
        raise DomainError("appeal_own")
    if appeal.status != OPEN:
        raise DomainError("appeal_already_decided")
    now = now or utcnow()
    appeal.status = UPHELD if uphold else DISMISSED
    appeal.decided_by, appeal.decision_reason, appeal.decided_at = actor_id, reason, now
    if uphold:  # the resident was right: the points come back, through new ledger entries
        _give_back(session, actor_id=actor_id, appeal=appeal, reason=reason, now=now)
    session.add(appeal)
    journal.record(session, actor_id=actor_id, action=f"appeal.{appeal.status}", now=now, target_type="appeal",
                   target_id=appeal_id, before={"status": OPEN}, after={"status": appeal.status, "reason": reason})
    notify(session, user_id=appeal.user_id, topic=f"appeal_{appeal.status}", params={"reason": reason},
           key=f"appeal:{appeal_id}", now=now)
    return appeal


def _give_back(session: Session, *, actor_id: int, appeal: Appeal, reason: str, now: datetime) -> None:
    """Re-credit the rejected claim, or undo the reversal, that an upheld appeal names."""
    if appeal.claim_id is not None:
        reinstate_claim(session, actor_id=actor_id, claim_id=appeal.claim_id, reason=reason, now=now)
        return
    reversal = session.get(LedgerEntry, appeal.entry_id)
    if reversal is None:  # filing checked the entry and the ledger never deletes: only a broken database gets here
        raise DomainError("appeal_target_invalid")
    restore_reversed(session, actor_id=actor_id, reversal=reversal, reason=reason, now=now)


def my_appeals(session: Session, *, user_id: int) -> list[Appeal]:
    return list(session.execute(select(Appeal).where(col(Appeal.user_id) == user_id)
                                .order_by(col(Appeal.id).desc())).scalars())


def appeals_for_staff(session: Session, *, actor_id: int, status: str | None = OPEN) -> list[Appeal]:
    require_role(session, actor_id, *STAFF_READERS)
    query = select(Appeal).order_by(col(Appeal.id))
    if status:
        query = query.where(col(Appeal.status) == status)
    return list(session.execute(query).scalars())


def appealable(session: Session, *, user_id: int) -> list[tuple[str, int, str, datetime]]:
    """What the resident may appeal: (kind, id, action code, when) for rejected claims and reversed credits."""
    claims = session.execute(select(Claim).where(col(Claim.user_id) == user_id,
                                                 col(Claim.status) == "rejected")).scalars()
    found = [("claim", claim.id, claim.action_code, claim.reviewed_at or claim.created_at) for claim in claims]
    superseded = session.execute(select(col(Claim.id)).where(col(Claim.user_id) == user_id,
                                                             col(Claim.status) == SUPERSEDED)).scalars()
    settled = {item[1] for item in found} | set(superseded)  # a superseded one is no penalty to contest
    reversals = session.execute(select(LedgerEntry).where(col(LedgerEntry.user_id) == user_id,
                                                          CREDIT_REVERSAL)).scalars()
    found += [("entry", entry.id, entry.action_code or "", entry.created_at) for entry in reversals
              if entry.claim_id not in settled]
    return found
