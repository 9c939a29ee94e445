"""Claims: a resident's logged action becomes points once, within the daily cap, or waits for review.

Every function takes the user's balance lock before reading caps or keys, so concurrent submissions
are decided one after another and caps hold. Self-reports and verified data meet in channels: a self-report
earns its share within its own cap and never next to verified data of the same action and day.
"""
import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from db.driver_statement import DriverStatement
from db.models import ActionType, Claim, LedgerEntry, User
from points.audit import journal
from points.catalogue.actions import current_action
from points.catalogue.carbon import Credit, check_quantity, credit_for
from points.claims.channels import (
    CLAIM_TABLE,
    COVERING_SOURCES,
    CREDITED,
    SELF,
    SUPERSEDED,
    day_use,
    room_left,
    share_for,
    supersede_self_reports,
)
from points.common.clock import city_zone, local_day, utcnow
from points.common.errors import DomainError
from points.common.images import Photo, clean_photo
from points.common.metrics import CLAIMS, count_on_commit
from points.common.roles import ACTIVE_USER, ADMIN, require_role
from points.ledger.chain import lock_balance, post

MAX_DAYS_BACK = 7
MAX_NOTE = 1000
MAX_REASON = 400


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


def split_at_room(room: float | None, quantity: float) -> tuple[float, float]:
    """(credited, over the cap): credit up to the room left today and say what was over, never drop it silently."""
    if room is None:
        return quantity, 0.0
    credited = max(0.0, min(quantity, room))
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


# A new claim is one plain INSERT on the session's cursor (see db.driver_statement), returned as a snapshot
# (as chain.post returns its entry): partner batches write a thousand in one transaction, and building and
# flushing an ORM object for each costs more than the insert.
_claim_table = CLAIM_TABLE
_COLUMNS = tuple(column.name for column in _claim_table.c if column.name != "id")
_DEFAULTS = {name: field.default for name, field in Claim.model_fields.items()
             if name in _COLUMNS and not field.is_required()}
INSERT_CLAIM = DriverStatement(_claim_table.insert().values({name: bindparam(name) for name in _COLUMNS})
                               .returning(_claim_table.c.id))


def _insert_claim(session: Session, *, fields: dict) -> Claim:
    values: dict[str, Any] = {name: fields.get(name, _DEFAULTS.get(name)) for name in _COLUMNS}
    claim_id = INSERT_CLAIM.rows(session.connection(), values)[0][0]
    count_on_commit(session, CLAIMS, status=values["status"], source=values["source"])
    return Claim.model_construct(id=claim_id, **values)


def _worth(action: ActionType, *, quantity: float, source: str, room: float | None,
           points_per_unit: int | None) -> tuple[float, float, Credit]:
    """(credited, over the cap, its credit): up to the room left today; a self-report earns its share of the
    credit, grams and points alike."""
    credited, over = split_at_room(room, quantity)
    share = share_for(action, source=source)
    credit = credit_for(action, credited, points_per_unit=points_per_unit, share=share) if credited else Credit(0, 0)
    return credited, over, credit


def _earn(session: Session, *, claim: Claim, action: ActionType, credited: float, over: float, credit: Credit,
          now: datetime, created_by: int | None) -> ClaimResult:
    """The ledger entry of a claim whose outcome is written: one entry, keyed by the claim's own key."""
    entry = None
    if credited:
        request = {"claim_id": claim.id, "action_type_id": action.id, "quantity": credited,
                   "points": credit.points, "co2e_g": credit.co2e_g}
        entry = post(session, user_id=claim.user_id, kind="earn", points=credit.points, co2e_g=credit.co2e_g,
                     idempotency_key=claim.idempotency_key, request=request, now=now,
                     action_code=action.code, action_type_id=action.id, quantity=credited, claim_id=claim.id,
                     created_by=created_by).entry
    return ClaimResult(claim=claim, entry=entry, points=credit.points, co2e_g=credit.co2e_g,
                       over_cap_quantity=over, status=claim.status, credited_quantity=credited)


def _credit_new(session: Session, *, fields: dict, action: ActionType, now: datetime, room: float | None,
                points_per_unit: int | None = None, created_by: int | None = None) -> ClaimResult:
    """A new claim credited at once: its outcome is worked out first, so it costs one INSERT, not two writes."""
    credited, over, credit = _worth(action, quantity=fields["quantity"], source=fields["source"], room=room,
                                    points_per_unit=points_per_unit)
    fields.update(status="auto", points=credit.points, co2e_g=credit.co2e_g)
    if over:
        fields["status_reason"] = "over_cap"
    claim = _insert_claim(session, fields=fields)
    return _earn(session, claim=claim, action=action, credited=credited, over=over, credit=credit, now=now,
                 created_by=created_by)


def _credit(session: Session, *, claim: Claim, now: datetime, created_by: int) -> ClaimResult:
    """Credit a claim read for review, under the catalogue version and caps of its own day."""
    action = _action_of(session, claim=claim)
    use = day_use(session, user_id=claim.user_id, action_code=claim.action_code, day=claim.local_day)
    credited, over, credit = _worth(action, quantity=claim.quantity, source=claim.source,
                                    room=room_left(action, use, source=claim.source), points_per_unit=None)
    claim.status, claim.points, claim.co2e_g = "approved", credit.points, credit.co2e_g
    if over:
        claim.status_reason = "over_cap"
    session.add(claim)
    session.flush()
    return _earn(session, claim=claim, action=action, credited=credited, over=over, credit=credit, now=now,
                 created_by=created_by)


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
    """A plain id lookup first: on the hot path the key is new and no ORM object is needed."""
    found = CLAIM_ID_BY_KEY.rows(session.connection(), {"key": key})
    return session.get(Claim, found[0][0]) if found else None


CLAIM_ID_BY_KEY = DriverStatement(select(_claim_table.c.id).where(_claim_table.c.idempotency_key == bindparam("key")))
ACTIVE_ACCOUNT = DriverStatement(select(col(User.id)).where(col(User.id) == bindparam("user"), ACTIVE_USER))


def _require_active(session: Session, *, user_id: int) -> None:
    """require_role without loading the User: a verified credit needs only to know the account is usable."""
    if not ACTIVE_ACCOUNT.rows(session.connection(), {"user": user_id}):
        raise DomainError("not_signed_in")


def _new_claim(action: ActionType, **fields) -> dict:
    """A new claim's columns, not yet written: whoever decides its outcome writes it once (see _credit_new)."""
    assert action.id is not None  # a catalogue row read from the database
    return {"action_type_id": action.id, "action_code": action.code, "status": "pending", "source": SELF, **fields}


def submit_claim(session: Session, *, user_id: int, action_code: str, quantity: float, occurred_at: datetime,
                 idempotency_key: str, note: str | None = None, photo: Photo | None = None,
                 now: datetime | None = None) -> ClaimResult:
    """A self-reported action: credited at once within caps, or pending review above the plausibility limit.

    The photo comes already prepared (prepare_photo): nothing is decoded while the balance lock is held.
    """
    now = now or utcnow()
    _require_prepared(photo)
    _require_active(session, user_id=user_id)
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
    use = day_use(session, user_id=user_id, action_code=action.code, day=day)
    if use.covered:  # one trip, one credit: verified data already stands for this action and day
        raise DomainError("verified_covers_day", action=action.code)
    fields = _new_claim(action, user_id=user_id, quantity=quantity, occurred_at=occurred_at,
                        local_day=day, note=note, photo=photo.data if photo else None,
                        photo_type=photo.content_type if photo else None,
                        idempotency_key=idempotency_key, created_at=now)
    if action.verification == "review" or (action.plausibility_limit is not None
                                           and quantity > action.plausibility_limit):
        fields["status_reason"] = "needs_review" if action.verification == "review" else "over_plausibility"
        claim = _insert_claim(session, fields=fields)
        return ClaimResult(claim=claim, entry=None, points=0, co2e_g=0, over_cap_quantity=0.0, status="pending")
    return _credit_new(session, fields=fields, action=action, now=now, room=room_left(action, use, source=SELF))


def record_verified(session: Session, *, user_id: int, action_code: str, quantity: float, occurred_at: datetime,
                    idempotency_key: str, checkpoint_id: int | None = None, points_per_unit: int | None = None,
                    created_by: int | None = None, source: str = "staff", partner_id: int | None = None,
                    now: datetime | None = None) -> ClaimResult:
    """An action verified by a QR checkpoint, staff or a partner system: caps apply, credited at once.

    source says which ("checkpoint", "staff", "partner"; partner_id names the partner). A staff or partner
    credit supersedes the day's self-reports of the action (their credit reversed here, in the same
    transaction) and then has the whole verified cap. Lean on purpose: a partner batch runs it a thousand
    times in one transaction, so every statement is prebuilt and nothing is flushed or refreshed.
    """
    now = now or utcnow()
    _require_active(session, user_id=user_id)
    lock_balance(session, user_id=user_id)
    existing = _claim_by_key(session, key=idempotency_key)
    if existing is not None:
        return _replay(session, claim=existing, asked={"user_id": user_id, "action_code": action_code,
                                                       "quantity": quantity, "checkpoint_id": checkpoint_id})
    action = current_action(session, code=action_code)
    quantity = check_quantity(action, quantity)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    day = local_day(occurred_at).isoformat()
    fields = _new_claim(action, user_id=user_id, quantity=quantity, occurred_at=occurred_at, local_day=day,
                        checkpoint_id=checkpoint_id, status_reason="verified", idempotency_key=idempotency_key,
                        created_at=now, source=source, partner_id=partner_id)
    use = day_use(session, user_id=user_id, action_code=action.code, day=day)
    if source in COVERING_SOURCES and use.open_self:
        freed = supersede_self_reports(session, user_id=user_id, action_code=action.code, use=use, now=now)
        use = replace(use, used=round(use.used - freed, 2), self_used=round(use.self_used - freed, 2), open_self=())
    return _credit_new(session, fields=fields, action=action, now=now, room=room_left(action, use, source=source),
                       points_per_unit=points_per_unit, created_by=created_by)


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
    count_on_commit(session, CLAIMS, status=status, source=claim.source)
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
    if claim.status == SUPERSEDED:
        raise DomainError("claim_superseded")
    before = {"status": claim.status, "points": claim.points}
    result = _credit(session, claim=claim, now=now, created_by=actor_id)
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
    if claim.status == SUPERSEDED:  # its credit, if any, is already reversed
        raise DomainError("claim_superseded")
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
        result = _credit(session, claim=claim, now=now, created_by=actor_id)
    else:
        restored = restore_reversed(session, actor_id=actor_id, reversal=reversal, reason=reason, now=now)
        claim.status, claim.points, claim.co2e_g = "approved", restored.points, restored.co2e_g
        result = ClaimResult(claim=claim, entry=restored, points=restored.points, co2e_g=restored.co2e_g,
                             over_cap_quantity=0.0, status="approved", credited_quantity=restored.quantity or 0.0)
    _decide(session, claim=claim, actor_id=actor_id, status="approved", reason=reason, now=now, before=before)
    return result
