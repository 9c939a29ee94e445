"""The scan decision: one function that locks, takes `now`, and returns or raises one named outcome.

Scans of one checkpoint by different residents run side by side: a scan share-locks the checkpoint (against an
edit or closing, not against other scans), locks only its resident's balance, and holds the capacity by a seat
number (points.checkin.seats), not by a lock on the checkpoint's row.

Returned outcomes: credited, checked_in (event: hours come at check-out), checked_out, review, already, rejected
(an administrator refused the held check-in). A check-in held for review names its reason (`held_because`).
Refusals raise DomainError `checkin_<outcome>`: not_started (with `opens_at`, when check-in opens), ended, invalid,
expired, full, station_attendant.

Events and trailheads credit by scan. A recycling station does not: a photo of its poster proves nothing was
weighed, so its credit comes from the attendant scanning the resident's personal code with the weight
(points.checkin.personal_code) or from a recycling machine partner; the scan only says so.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import AnomalyFlag, CheckIn, Checkpoint, Claim
from points.catalogue.actions import current_action
from points.catalogue.carbon import check_quantity
from points.checkin.checkpoints import get_checkpoint, is_signed_up
from points.checkin.seats import take_seat
from points.checkin.tokens import KIOSK, verify
from points.claims.channels import CHECKPOINT
from points.claims.lifecycle import record_verified
from points.common.clock import local_day, utcnow
from points.common.errors import DomainError
from points.common.roles import require_role
from points.ledger.chain import lock_balance

WINDOW_TOLERANCE = timedelta(minutes=15)
MIN_SHARE_OF_SCHEDULE = 0.6
BURST_FACTOR = 2
UNITS_PER_VISIT = 1.0  # a station or trailhead check-in credits one unit of its action (kg, km)


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    checkpoint: Checkpoint
    checkin: CheckIn
    points: int = 0
    hours: float | None = None

    @property
    def held_because(self) -> str | None:
        """Why this check-in waits for an administrator (a reason code for the volunteer), or None."""
        return (self.checkin.flag or "checkin") if self.checkin.status == "review" else None

    @property
    def can_check_out(self) -> bool:
        """A volunteer already checked in at an event may check out on a second scan."""
        return self.checkpoint.kind == "event" and self.checkin.checked_out_at is None \
            and self.checkin.status in ("open", "review")


def period_for(checkpoint: Checkpoint, now: datetime) -> str:
    """Events credit once per checkpoint; stations and trailheads once per local day."""
    return "event" if checkpoint.kind == "event" else local_day(now).isoformat()


def idempotency_key(checkin: CheckIn) -> str:
    return f"checkin:{checkin.checkpoint_id}:{checkin.user_id}:{checkin.period}"


def _open_checkpoint(session: Session, *, user_id: int, checkpoint_id: int, token: str, now: datetime) -> Checkpoint:
    """Verify the token, then share-lock the checkpoint and lock the user's balance, always in that order."""
    require_role(session, user_id)
    verified = verify(checkpoint_id, token, now=now)
    checkpoint = get_checkpoint(session, checkpoint_id=checkpoint_id, share=True)
    if checkpoint.status == "draft" or (checkpoint.rotating and verified.purpose != KIOSK):
        raise DomainError("checkin_invalid")
    if checkpoint.status == "closed" or now > checkpoint.ends_at + WINDOW_TOLERANCE:
        raise DomainError("checkin_ended")
    if now < checkpoint.starts_at - WINDOW_TOLERANCE:
        raise DomainError("checkin_not_started", opens_at=checkpoint.starts_at - WINDOW_TOLERANCE)
    lock_balance(session, user_id=user_id)
    return checkpoint


def _find(session: Session, *, checkpoint_id: int, user_id: int, period: str) -> CheckIn | None:
    return session.execute(select(CheckIn).where(col(CheckIn.checkpoint_id) == checkpoint_id,
                                                 col(CheckIn.user_id) == user_id,
                                                 col(CheckIn.period) == period)).scalar_one_or_none()


def _seat(session: Session, *, checkpoint: Checkpoint, user_id: int, period: str, now: datetime) -> CheckIn:
    """The resident's check-in on a seat within the capacity; when full, refuse a walk-in, but seat a signed-up
    volunteer beyond it (held for review)."""
    assert checkpoint.id is not None  # read from the database by _open_checkpoint
    checkin = take_seat(session, checkpoint_id=checkpoint.id, user_id=user_id, period=period, now=now,
                        limit=checkpoint.capacity)
    if checkin is None:
        if not is_signed_up(session, user_id=user_id, checkpoint_id=checkpoint.id):
            raise DomainError("checkin_full")
        checkin = take_seat(session, checkpoint_id=checkpoint.id, user_id=user_id, period=period, now=now,
                            limit=None)
    assert checkin is not None  # a seat without a limit is always found
    return checkin


def _review_reason(checkpoint: Checkpoint, checkin: CheckIn) -> str | None:
    """Beyond capacity or far above the expected attendance: the seat number is the arrival count."""
    assert checkin.seat is not None  # every scan's check-in takes a seat
    if checkpoint.capacity is not None and checkin.seat > checkpoint.capacity:
        return "over_capacity"
    if checkpoint.expected_attendance is not None and checkin.seat > BURST_FACTOR * checkpoint.expected_attendance:
        return "burst"
    return None


def _flag(session: Session, *, checkin: CheckIn, kind: str) -> None:
    checkin.flag = kind
    session.add(AnomalyFlag(user_id=checkin.user_id, kind=f"checkin_{kind}", checkin_id=checkin.id,
                            detail=f"checkpoint {checkin.checkpoint_id}"))


def _file_for_review(session: Session, *, checkpoint: Checkpoint, checkin: CheckIn, quantity: float,
                     now: datetime) -> Claim:
    """A pending claim an administrator approves or rejects (issue 6's queue); nothing is credited yet."""
    action = current_action(session, code=checkpoint.action_code)
    assert action.id is not None  # a catalogue row read from the database
    claim = Claim(user_id=checkin.user_id, action_type_id=action.id, action_code=action.code,
                  quantity=check_quantity(action, quantity), occurred_at=checkin.checked_in_at,
                  local_day=local_day(checkin.checked_in_at).isoformat(), status="pending",
                  status_reason=checkin.flag or "checkin", checkpoint_id=checkpoint.id,
                  idempotency_key=idempotency_key(checkin), created_at=now, source=CHECKPOINT)
    session.add(claim)
    session.flush()
    return claim


def _credit(session: Session, *, checkpoint: Checkpoint, checkin: CheckIn, quantity: float, review: bool,
            now: datetime) -> int:
    """Credit through the catalogue and the ledger (caps apply), or file a pending claim for review."""
    points = 0
    if review:
        claim = _file_for_review(session, checkpoint=checkpoint, checkin=checkin, quantity=quantity, now=now)
        checkin.claim_id, checkin.status = claim.id, "review"
    else:
        result = record_verified(session, user_id=checkin.user_id, action_code=checkpoint.action_code,
                                 quantity=quantity, occurred_at=checkin.checked_in_at,
                                 idempotency_key=idempotency_key(checkin), checkpoint_id=checkpoint.id,
                                 points_per_unit=checkpoint.points_per_hour if checkpoint.kind == "event" else None,
                                 source=CHECKPOINT, now=now)
        checkin.claim_id, checkin.status, points = result.claim.id, "credited", result.points
    session.add(checkin)
    return points


def scan(session: Session, *, user_id: int, checkpoint_id: int, token: str,
         now: datetime | None = None) -> ScanResult:
    """What happens when a signed-in resident opens a checkpoint's QR link."""
    now = now or utcnow()
    checkpoint = _open_checkpoint(session, user_id=user_id, checkpoint_id=checkpoint_id, token=token, now=now)
    if checkpoint.kind == "station":  # nothing weighed, nothing written: the message tells how to earn
        raise DomainError("checkin_station_attendant")
    period = period_for(checkpoint, now)
    existing = _find(session, checkpoint_id=checkpoint_id, user_id=user_id, period=period)
    if existing is not None:
        return ScanResult("rejected" if existing.status == "rejected" else "already", checkpoint, existing,
                          hours=existing.hours)
    checkin = _seat(session, checkpoint=checkpoint, user_id=user_id, period=period, now=now)
    reason = _review_reason(checkpoint, checkin)
    if reason:
        _flag(session, checkin=checkin, kind=reason)
    if checkpoint.kind == "event":
        checkin.status = "review" if reason else "open"
        session.add(checkin)
        return ScanResult("checked_in", checkpoint, checkin)
    points = _credit(session, checkpoint=checkpoint, checkin=checkin, quantity=UNITS_PER_VISIT, review=bool(reason),
                     now=now)
    return ScanResult("review" if checkin.status == "review" else "credited", checkpoint, checkin, points)


def hours_inside(checkpoint: Checkpoint, checked_in_at: datetime, checked_out_at: datetime) -> float:
    """Time spent inside [start, end]: arriving early or leaving late earns nothing extra."""
    start = max(checked_in_at, checkpoint.starts_at)
    end = min(checked_out_at, checkpoint.ends_at)
    return max((end - start).total_seconds(), 0.0) / 3600


def _settle(session: Session, *, checkpoint: Checkpoint, checkin: CheckIn, checked_out_at: datetime,
            now: datetime) -> ScanResult:
    """Close a volunteer's attendance: credit the hours at 60 % of the schedule or more, else review."""
    checkin.checked_out_at = checked_out_at
    checkin.hours = round(hours_inside(checkpoint, checkin.checked_in_at, checked_out_at), 2)
    scheduled = (checkpoint.ends_at - checkpoint.starts_at).total_seconds() / 3600
    short = checkin.hours < MIN_SHARE_OF_SCHEDULE * scheduled
    if short and checkin.flag is None:
        _flag(session, checkin=checkin, kind="short_attendance")
    review = short or checkin.status == "review"
    if checkin.hours <= 0:
        if checkin.flag is None:
            _flag(session, checkin=checkin, kind="no_time_inside")
        checkin.status = "review"
        session.add(checkin)
        return ScanResult("review", checkpoint, checkin, hours=0.0)
    points = _credit(session, checkpoint=checkpoint, checkin=checkin, quantity=checkin.hours, review=review, now=now)
    outcome = "review" if checkin.status == "review" else "checked_out"
    return ScanResult(outcome, checkpoint, checkin, points, checkin.hours)


def check_out(session: Session, *, user_id: int, checkpoint_id: int, token: str,
              now: datetime | None = None) -> ScanResult:
    """The second scan's choice: leave the event now and have the hours settled."""
    now = now or utcnow()
    checkpoint = _open_checkpoint(session, user_id=user_id, checkpoint_id=checkpoint_id, token=token, now=now)
    checkin = _find(session, checkpoint_id=checkpoint_id, user_id=user_id, period=period_for(checkpoint, now))
    if checkpoint.kind != "event" or checkin is None:
        raise DomainError("checkout_not_checked_in")
    if checkin.status == "rejected":
        return ScanResult("rejected", checkpoint, checkin)
    if checkin.checked_out_at is not None:
        return ScanResult("already", checkpoint, checkin, hours=checkin.hours)
    return _settle(session, checkpoint=checkpoint, checkin=checkin, checked_out_at=now, now=now)


def close_missing_checkouts(session: Session, *, checkpoint: Checkpoint, now: datetime | None = None) -> int:
    """Volunteers who never checked out are closed at the event's end, flagged and sent to review (a check-in an
    administrator already refused stays refused)."""
    now = now or utcnow()
    if checkpoint.kind != "event":
        return 0
    open_ones = list(session.execute(select(CheckIn).where(
        col(CheckIn.checkpoint_id) == checkpoint.id, col(CheckIn.checked_out_at).is_(None),
        col(CheckIn.status) != "rejected")).scalars())
    for checkin in open_ones:
        lock_balance(session, user_id=checkin.user_id)
        _flag(session, checkin=checkin, kind="missing_checkout")
        checkin.status = "review"
        _settle(session, checkpoint=checkpoint, checkin=checkin, checked_out_at=min(now, checkpoint.ends_at), now=now)
    return len(open_ones)


def close_ended_events(session: Session, *, now: datetime | None = None) -> int:
    """Housekeeping (manage.py refresh-rollups): settle every ended event that still has open check-ins."""
    now = now or utcnow()
    ended = session.execute(
        select(Checkpoint).join(CheckIn, col(CheckIn.checkpoint_id) == col(Checkpoint.id))
        .where(col(Checkpoint.kind) == "event", col(Checkpoint.ends_at) <= now, col(CheckIn.checked_out_at).is_(None),
               col(CheckIn.status) != "rejected")
        .distinct()).scalars()
    return sum(close_missing_checkouts(session, checkpoint=checkpoint, now=now) for checkpoint in list(ended))
