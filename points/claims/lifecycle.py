"""Claims: a resident's logged action becomes points once, within the daily cap, or waits for review.

Every function takes the user's balance lock before reading caps or keys, so concurrent submissions
are decided one after another and caps hold.
"""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from db.models import ActionType, Claim, LedgerEntry
from points.audit import journal
from points.catalogue.actions import current_action
from points.catalogue.carbon import Credit, check_quantity, credit_for
from points.common.clock import city_zone, local_day, utcnow
from points.common.errors import DomainError
from points.common.images import Photo, clean_photo
from points.common.roles import ADMIN, require_role
from points.ledger.chain import lock_balance, post

MAX_DAYS_BACK = 7
MAX_NOTE = 1000
MAX_REASON = 400
CREDITED = ("auto", "approved")


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    entry: LedgerEntry | None
    points: int
    co2e_g: int
    over_cap_quantity: float
    status: str
    credited_quantity: float = 0.0
    created: bool = True


def prepare_photo(upload: bytes | None) -> Photo | None:
    """The evidence a page passes to submit_claim, judged and re-encoded before the write transaction opens."""
    return clean_photo(upload) if upload else None


def occurred_at_for(day: date, *, now: datetime | None = None) -> datetime:
    """The instant a form's date stands for: now for today, local noon for an earlier day."""
    now = now or utcnow()
    if day == local_day(now):
        return now
    return datetime.combine(day, time(12), tzinfo=city_zone())


def check_day(occurred_at: datetime, now: datetime) -> str:
    """Today or up to seven local days back; returns the local day the cap counts against."""
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    day, today = local_day(occurred_at), local_day(now)
    if day > today:
        raise DomainError("occurred_in_future")
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise DomainError("occurred_too_long_ago", days=MAX_DAYS_BACK)
    return day.isoformat()


def check_text(value: str | None, *, limit: int, code: str) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(code, max=limit)
    return value or None


def credited_on_day(session: Session, *, user_id: int, action_code: str, day: str) -> float:
    """Units already credited (net of reversals) for this user, action and local day."""
    total = session.execute(CREDITED_ON_DAY, {"user": user_id, "action": action_code, "day": day}).scalar_one()
    return round(float(total), 2)


# Built once: every claim runs it, and building a join is dearer than running it.
CREDITED_ON_DAY = (select(func.coalesce(func.sum(LedgerEntry.quantity), 0.0))
                   .join(Claim, col(LedgerEntry.claim_id) == col(Claim.id))
                   .where(col(Claim.user_id) == bindparam("user"), col(Claim.action_code) == bindparam("action"),
                          col(Claim.local_day) == bindparam("day")))


def split_at_cap(cap: float | None, used: float, quantity: float) -> tuple[float, float]:
    """(credited, over the cap): credit up to the cap and say what was over, never drop it silently."""
    if cap is None:
        return quantity, 0.0
    credited = max(0.0, min(quantity, round(cap - used, 2)))
    return credited, round(quantity - credited, 2)


def _entry_of(session: Session, *, claim: Claim, kind: str = "earn") -> LedgerEntry | None:
    return session.execute(select(LedgerEntry).where(col(LedgerEntry.claim_id) == claim.id,
                                                     col(LedgerEntry.kind) == kind)
                           .order_by(col(LedgerEntry.id).desc()).limit(1)).scalar_one_or_none()


def result_of(session: Session, *, claim: Claim, created: bool = False) -> ClaimResult:
    """Rebuild a claim's outcome from what was written, for retries and repeated decisions."""
    if claim.status == "rejected":
        reversal = _entry_of(session, claim=claim, kind="reversal")
        return ClaimResult(claim=claim, entry=reversal, points=reversal.points if reversal else 0,
                           co2e_g=reversal.co2e_g if reversal else 0, over_cap_quantity=0.0, status="rejected",
                           created=created)
    earned = _entry_of(session, claim=claim)
    credited = earned.quantity if earned is not None and earned.quantity is not None else 0.0
    over = round(claim.quantity - credited, 2) if claim.status in CREDITED else 0.0
    return ClaimResult(claim=claim, entry=earned, points=claim.points, co2e_g=claim.co2e_g, over_cap_quantity=over,
                       status=claim.status, credited_quantity=credited, created=created)


def _credit(session: Session, *, claim: Claim, action: ActionType, status: str, now: datetime,
            points_per_unit: int | None = None, created_by: int | None = None) -> ClaimResult:
    """Credit the claim up to the day's cap in one ledger entry; the claim records what it earned.

    The outcome is worked out before the claim is written, so a new claim costs one INSERT, not an INSERT
    and an UPDATE.
    """
    used = credited_on_day(session, user_id=claim.user_id, action_code=claim.action_code, day=claim.local_day)
    credited, over = split_at_cap(action.daily_cap, used, claim.quantity)
    credit = credit_for(action, credited, points_per_unit=points_per_unit) if credited else Credit(0, 0)
    claim.status, claim.points, claim.co2e_g = status, credit.points, credit.co2e_g
    if over:
        claim.status_reason = "over_cap"
    session.add(claim)
    session.flush()
    entry = None
    if credited:
        request = {"claim_id": claim.id, "action_type_id": action.id, "quantity": credited,
                   "points": credit.points, "co2e_g": credit.co2e_g}
        entry = post(session, user_id=claim.user_id, kind="earn", points=credit.points, co2e_g=credit.co2e_g,
                     idempotency_key=claim.idempotency_key, request=request, now=now,
                     action_code=action.code, action_type_id=action.id, quantity=credited, claim_id=claim.id,
                     created_by=created_by).entry
    return ClaimResult(claim=claim, entry=entry, points=credit.points, co2e_g=credit.co2e_g,
                       over_cap_quantity=over, status=status, credited_quantity=credited)


def _photo_digest(photo: bytes | None) -> str | None:
    return hashlib.sha256(photo).hexdigest() if photo else None


def _require_prepared(photo: Photo | None) -> None:
    """Only a prepared photo is accepted: raw upload bytes would mean decoding under the write lock."""
    if photo is not None and not isinstance(photo, Photo):
        raise TypeError("submit_claim takes a Photo from prepare_photo(), made before the transaction")


def _replay(session: Session, *, claim: Claim, asked: dict) -> ClaimResult:
    """A key's outcome is final: the same request gets the first result, other content is a conflict."""
    stored = {"user_id": claim.user_id, "action_code": claim.action_code, "quantity": claim.quantity,
              "occurred_at": claim.occurred_at, "note": claim.note, "photo": _photo_digest(claim.photo),
              "checkpoint_id": claim.checkpoint_id}
    if any(stored[name] != value for name, value in asked.items()):
        raise DomainError("idempotency_conflict")
    return result_of(session, claim=claim)


def _claim_by_key(session: Session, *, key: str) -> Claim | None:
    return session.execute(CLAIM_BY_KEY, {"key": key}).scalar_one_or_none()


CLAIM_BY_KEY = select(Claim).where(col(Claim.idempotency_key) == bindparam("key"))


def _new_claim(action: ActionType, **fields) -> Claim:
    """Not yet in the session: whoever decides its outcome writes it once (see _credit)."""
    assert action.id is not None  # a catalogue row read from the database
    return Claim(action_type_id=action.id, action_code=action.code, status="pending", **fields)


def submit_claim(session: Session, *, user_id: int, action_code: str, quantity: float, occurred_at: datetime,
                 idempotency_key: str, note: str | None = None, photo: Photo | None = None,
                 now: datetime | None = None) -> ClaimResult:
    """A self-reported action: credited at once within caps, or pending review above the plausibility limit.

    The photo comes already prepared (prepare_photo): nothing is decoded while the balance lock is held.
    """
    now = now or utcnow()
    _require_prepared(photo)
    require_role(session, user_id)
    lock_balance(session, user_id=user_id)
    note = check_text(note, limit=MAX_NOTE, code="note_too_long")
    existing = _claim_by_key(session, key=idempotency_key)
    if existing is not None:
        return _replay(session, claim=existing, asked={
            "user_id": user_id, "action_code": action_code, "quantity": quantity, "occurred_at": occurred_at,
            "note": note, "photo": _photo_digest(photo.data if photo else None)})
    action = current_action(session, code=action_code)
    if not action.active or action.verification == "qr":
        raise DomainError("action_needs_checkin")
    quantity = check_quantity(action, quantity)
    day = check_day(occurred_at, now)
    claim = _new_claim(action, user_id=user_id, quantity=quantity, occurred_at=occurred_at,
                       local_day=day, note=note, photo=photo.data if photo else None,
                       photo_type=photo.content_type if photo else None,
                       idempotency_key=idempotency_key, created_at=now)
    if action.verification == "review" or (action.plausibility_limit is not None
                                           and quantity > action.plausibility_limit):
        claim.status_reason = "needs_review" if action.verification == "review" else "over_plausibility"
        session.add(claim)
        session.flush()
        return ClaimResult(claim=claim, entry=None, points=0, co2e_g=0, over_cap_quantity=0.0, status="pending")
    return _credit(session, claim=claim, action=action, status="auto", now=now)


def record_verified(session: Session, *, user_id: int, action_code: str, quantity: float, occurred_at: datetime,
                    idempotency_key: str, checkpoint_id: int | None = None, points_per_unit: int | None = None,
                    created_by: int | None = None, now: datetime | None = None) -> ClaimResult:
    """An action verified by a QR checkpoint or staff: caps apply, credited at once."""
    now = now or utcnow()
    require_role(session, user_id)
    lock_balance(session, user_id=user_id)
    existing = _claim_by_key(session, key=idempotency_key)
    if existing is not None:
        return _replay(session, claim=existing, asked={"user_id": user_id, "action_code": action_code,
                                                       "quantity": quantity, "checkpoint_id": checkpoint_id})
    action = current_action(session, code=action_code)
    quantity = check_quantity(action, quantity)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    claim = _new_claim(action, user_id=user_id, quantity=quantity, occurred_at=occurred_at,
                       local_day=local_day(occurred_at).isoformat(), checkpoint_id=checkpoint_id,
                       status_reason="verified", idempotency_key=idempotency_key, created_at=now)
    return _credit(session, claim=claim, action=action, status="auto", now=now, points_per_unit=points_per_unit,
                   created_by=created_by)


def _claim_for_review(session: Session, *, actor_id: int, claim_id: int) -> Claim:
    """An admin, not the claimant, with the claimant's balance locked before the claim is read."""
    require_role(session, actor_id, ADMIN)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise DomainError("unknown_claim")
    if claim.user_id == actor_id:
        raise DomainError("own_claim")
    lock_balance(session, user_id=claim.user_id)
    session.refresh(claim)
    return claim


def _action_of(session: Session, *, claim: Claim) -> ActionType:
    """The catalogue version the claim was made under, which caps and factors of its own day come from."""
    action = session.get(ActionType, claim.action_type_id)
    assert action is not None  # Claim.action_type_id is a foreign key to it
    return action


def _opposite(quantity: float | None) -> float | None:
    return None if quantity is None else -quantity


def _decide(session: Session, *, claim: Claim, actor_id: int, status: str, reason: str | None,
            now: datetime, before: dict) -> None:
    claim.status, claim.reviewer_id, claim.review_reason, claim.reviewed_at = status, actor_id, reason, now
    session.add(claim)
    assert claim.id is not None  # a claim read for review
    journal.record(session, actor_id=actor_id, action=f"claim.{status}", now=now, target_type="claim",
                   target_id=claim.id, before=before,
                   after={"status": status, "points": claim.points, "reason": reason})


def approve_claim(session: Session, *, actor_id: int, claim_id: int, reason: str | None = None,
                  now: datetime | None = None) -> ClaimResult:
    """Credit a pending claim (caps of its own day apply); approving again returns the first result."""
    now = now or utcnow()
    reason = check_text(reason, limit=MAX_REASON, code="reason_too_long")
    claim = _claim_for_review(session, actor_id=actor_id, claim_id=claim_id)
    if claim.status in CREDITED:
        return result_of(session, claim=claim)
    if claim.status == "rejected":
        raise DomainError("claim_already_rejected")
    before = {"status": claim.status, "points": claim.points}
    result = _credit(session, claim=claim, action=_action_of(session, claim=claim), status="approved", now=now,
                     created_by=actor_id)
    _decide(session, claim=claim, actor_id=actor_id, status="approved", reason=reason, now=now, before=before)
    return result


def reject_claim(session: Session, *, actor_id: int, claim_id: int, reason: str | None,
                 now: datetime | None = None) -> ClaimResult:
    """Refuse a claim, never without a reason; a credited one is undone by a reversal entry naming the original,
    never an edit."""
    now = now or utcnow()
    given = check_text(reason, limit=MAX_REASON, code="reason_too_long")
    if given is None:
        raise DomainError("reason_required")
    claim = _claim_for_review(session, actor_id=actor_id, claim_id=claim_id)
    if claim.status == "rejected":
        return result_of(session, claim=claim)
    before = {"status": claim.status, "points": claim.points}
    original = _entry_of(session, claim=claim)
    if original is not None:
        request = {"reverses": original.id}
        post(session, user_id=claim.user_id, kind="reversal", points=-original.points,
             co2e_g=-original.co2e_g, idempotency_key=f"reversal:{original.id}", request=request,
             now=now, action_code=original.action_code, action_type_id=original.action_type_id,
             quantity=_opposite(original.quantity), claim_id=claim.id, original_entry_id=original.id,
             reason=given, created_by=actor_id)
    claim.points, claim.co2e_g = 0, 0
    _decide(session, claim=claim, actor_id=actor_id, status="rejected", reason=given, now=now, before=before)
    return result_of(session, claim=claim, created=True)


def restore_reversed(session: Session, *, actor_id: int, reversal: LedgerEntry, reason: str,
                     now: datetime | None = None) -> LedgerEntry:
    """Undo a reversal found wrong (an upheld appeal) with a new entry naming it: history is never edited."""
    request = {"restores": reversal.id}
    return post(session, user_id=reversal.user_id, kind="adjust", points=-reversal.points, co2e_g=-reversal.co2e_g,
                idempotency_key=f"restore:{reversal.id}", request=request, now=now or utcnow(),
                action_code=reversal.action_code, action_type_id=reversal.action_type_id,
                quantity=_opposite(reversal.quantity), claim_id=reversal.claim_id,
                original_entry_id=reversal.id, reason=reason, created_by=actor_id).entry


def reinstate_claim(session: Session, *, actor_id: int, claim_id: int, reason: str,
                    now: datetime | None = None) -> ClaimResult:
    """An upheld appeal against a rejection: credit the claim after all, or restore the credit it lost."""
    now = now or utcnow()
    claim = _claim_for_review(session, actor_id=actor_id, claim_id=claim_id)
    if claim.status != "rejected":
        return result_of(session, claim=claim)
    before = {"status": claim.status, "points": claim.points}
    reversal = _entry_of(session, claim=claim, kind="reversal")
    if reversal is None:  # rejected before any credit: credit it now, caps of its own day apply
        result = _credit(session, claim=claim, action=_action_of(session, claim=claim), status="approved", now=now,
                         created_by=actor_id)
    else:
        restored = restore_reversed(session, actor_id=actor_id, reversal=reversal, reason=reason, now=now)
        claim.status, claim.points, claim.co2e_g = "approved", restored.points, restored.co2e_g
        result = ClaimResult(claim=claim, entry=restored, points=restored.points, co2e_g=restored.co2e_g,
                             over_cap_quantity=0.0, status="approved", credited_quantity=restored.quantity or 0.0)
    _decide(session, claim=claim, actor_id=actor_id, status="approved", reason=reason, now=now, before=before)
    return result
