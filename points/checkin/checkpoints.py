"""Checkpoints (events, recycling stations, trailheads): create, edit, change status, sign up, attendance.

Closing one also settles its attendance, which is the scan decision's work: see points.checkin.closing.
"""
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.config import get_settings
from db.engine import is_sqlite, locked
from db.models import CheckIn, Checkpoint, EventSignup, Place, User
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, ORGANIZER, require_role
from points.common.spreadsheet import SafeWriter
from points.communities.registry import find_community
from points.places.registry import position

KINDS = ("event", "station", "trailhead")
DEFAULT_ACTION = {"event": "volunteer", "station": "low_value", "trailhead": "trail_walk"}
XIAMEN_BOUNDS = {"lat": (24.2, 24.95), "lon": (117.8, 118.5)}
EDITABLE = ("title_zh", "title_en", "description_zh", "description_en", "place_id", "community", "lat", "lon",
            "starts_at", "ends_at", "capacity", "expected_attendance", "points_per_hour", "rotating")
MAX_POINTS_PER_HOUR = 1000
MAX_HEADCOUNT = 100_000  # capacity and expected attendance
MAX_LEAD_YEARS = 2  # how far ahead any checkpoint may open: the city's event calendar, not a typo like 2999
MAX_EVENT_LENGTH = timedelta(days=30)  # an event is one check-in and one check-out: a day, a camp, a month's drive
MAX_SITE_YEARS = 5  # a station's or trailhead's validity, credited once a day, renewed by a new checkpoint
STATUS_FROM = {"published": ("draft",), "closed": ("draft", "published")}  # a status and those it may follow


@dataclass(frozen=True)
class AttendanceRow:
    username: str
    display_name: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    hours: float | None
    status: str
    flag: str | None


def _years_after(moment: datetime, years: int) -> datetime:
    """The same calendar moment `years` later; 29 February becomes the 28th in a common year."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _check_window(kind: str, starts: datetime, ends: datetime, now: datetime) -> None:
    """A window is bounded so that a slip of the keyboard cannot open a checkpoint for centuries: the QR
    code of an unbounded station or event would credit for ever, and the map would list it as upcoming."""
    if ends <= starts:
        raise DomainError("checkpoint_window_invalid")
    if starts > _years_after(now, MAX_LEAD_YEARS):
        raise DomainError("checkpoint_starts_too_far", years=MAX_LEAD_YEARS)
    if kind == "event" and ends - starts > MAX_EVENT_LENGTH:
        raise DomainError("checkpoint_event_too_long", days=MAX_EVENT_LENGTH.days)
    if kind != "event" and ends > _years_after(starts, MAX_SITE_YEARS):
        raise DomainError("checkpoint_site_too_long", years=MAX_SITE_YEARS)


def _check_fields(session: Session, *, values: dict[str, Any], kind: str, now: datetime) -> None:
    """Refuse anything a checkpoint cannot be; a place id fills in missing coordinates."""
    for field, limit in (("title_zh", 120), ("title_en", 120)):
        if not 1 <= len((values.get(field) or "").strip()) <= limit:
            raise DomainError("checkpoint_title_invalid")
    for field in ("description_zh", "description_en"):
        if len(values.get(field) or "") > 2000:
            raise DomainError("checkpoint_description_invalid")
    if values.get("place_id"):
        place = session.get(Place, values["place_id"])
        if place is None:
            raise DomainError("checkpoint_place_unknown")
        located = position(place)
        if values.get("lat") is None and located is not None:
            values["lat"], values["lon"] = located
    if values.get("community") and find_community(values["community"]) is None:
        raise DomainError("community_unknown")
    values["community"] = values.get("community") or None
    for axis, (low, high) in XIAMEN_BOUNDS.items():
        if not isinstance(values.get(axis), (int, float)) or not low <= values[axis] <= high:
            raise DomainError("checkpoint_location_invalid")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime) or not isinstance(ends, datetime) or starts.tzinfo is None \
            or ends.tzinfo is None:
        raise DomainError("checkpoint_window_invalid")
    _check_window(kind, starts, ends, now)
    for field in ("capacity", "expected_attendance"):
        if values.get(field) is not None and not 1 <= values[field] <= MAX_HEADCOUNT:
            raise DomainError("checkpoint_number_invalid")
    if values.get("points_per_hour") is not None and not 0 <= values["points_per_hour"] <= MAX_POINTS_PER_HOUR:
        raise DomainError("checkpoint_number_invalid")


def _snapshot(checkpoint: Checkpoint) -> dict:
    return checkpoint.model_dump(mode="json", exclude={"created_at"})


def create_checkpoint(session: Session, *, actor_id: int, kind: str, now: datetime | None = None,
                      **fields) -> Checkpoint:
    """A draft checkpoint owned by the organiser; nobody can check in until it is published."""
    require_role(session, actor_id, ORGANIZER, ADMIN)
    if kind not in KINDS:
        raise DomainError("checkpoint_kind_invalid")
    now = now or utcnow()
    values: dict[str, Any] = {field: fields.get(field) for field in EDITABLE}
    values["rotating"] = bool(values["rotating"])
    values["description_zh"], values["description_en"] = values["description_zh"] or "", values["description_en"] or ""
    if kind == "event" and values["points_per_hour"] is None:
        values["points_per_hour"] = get_settings().volunteer_points_per_hour
    _check_fields(session, values=values, kind=kind, now=now)
    checkpoint = Checkpoint(kind=kind, action_code=fields.get("action_code") or DEFAULT_ACTION[kind],
                            status="draft", created_by=actor_id, created_at=now, **values)
    session.add(checkpoint)
    session.flush()
    assert checkpoint.id is not None  # the flush above assigned it
    journal.record(session, actor_id=actor_id, action="checkpoint.create", now=now, target_type="checkpoint",
                   target_id=checkpoint.id, after=_snapshot(checkpoint))
    return checkpoint


def get_checkpoint(session: Session, *, checkpoint_id: int, lock: bool = False, share: bool = False) -> Checkpoint:
    """The checkpoint, optionally row-locked (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises).

    `lock` takes it for a change (FOR UPDATE); `share` (FOR SHARE) is a scan's: any number of scans hold it at
    once, while an edit or closing waits for them and they for it, so no scan reads a checkpoint mid-change.
    """
    query = select(Checkpoint).where(col(Checkpoint.id) == checkpoint_id)
    if share and not is_sqlite(session.get_bind()):
        query = query.with_for_update(read=True)
    checkpoint = session.execute(locked(session, query) if lock else query).scalar_one_or_none()
    if checkpoint is None:
        raise DomainError("checkin_invalid")
    return checkpoint


def place_label(session: Session, *, checkpoint: Checkpoint, language: str | None = None) -> str:
    """The venue's name in one language (both when None), or its coordinates when it is not a known place."""
    place = session.get(Place, checkpoint.place_id) if checkpoint.place_id else None
    return venue_label(checkpoint, names=(place.name_zh, place.name_en) if place else None, language=language)


def venue_label(checkpoint: Checkpoint, *, names: tuple[str, str] | None, language: str | None = None) -> str:
    """place_label's wording from the place's (zh, en) names already read, for a list read in one query
    (points.checkin.listings)."""
    if names is None:
        return f"{checkpoint.lat:.5f}, {checkpoint.lon:.5f}"
    name_zh, name_en = names
    both = f"{name_zh} {name_en}"
    return both if language is None else {"zh": name_zh, "en": name_en}.get(language, both)


def _owned(session: Session, *, actor_id: int, checkpoint_id: int) -> Checkpoint:
    """Organisers manage their own checkpoints; administrators manage all."""
    actor = require_role(session, actor_id, ORGANIZER, ADMIN)
    checkpoint = get_checkpoint(session, checkpoint_id=checkpoint_id, lock=True)
    if actor.role != ADMIN and checkpoint.created_by != actor.id:
        raise DomainError("forbidden")
    return checkpoint


def update_checkpoint(session: Session, *, actor_id: int, checkpoint_id: int, now: datetime | None = None,
                      **changes) -> Checkpoint:
    """Change the editable fields; the same checks as on creation, the window's lead measured from `now`."""
    now = now or utcnow()
    checkpoint = _owned(session, actor_id=actor_id, checkpoint_id=checkpoint_id)
    if checkpoint.status == "closed":
        raise DomainError("checkpoint_closed")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _snapshot(checkpoint)
    values = {field: getattr(checkpoint, field) for field in EDITABLE} | changes
    if "place_id" in changes and not ({"lat", "lon"} & set(changes)):
        values["lat"] = values["lon"] = None
    _check_fields(session, values=values, kind=checkpoint.kind, now=now)
    for field, value in values.items():
        setattr(checkpoint, field, value)
    session.add(checkpoint)
    journal.record(session, actor_id=actor_id, action="checkpoint.update", now=now, target_type="checkpoint",
                   target_id=checkpoint_id, before=before, after=_snapshot(checkpoint))
    return checkpoint


def set_status(session: Session, *, actor_id: int, checkpoint_id: int, status: str,
               now: datetime | None = None) -> Checkpoint:
    """Move a checkpoint along draft -> published -> closed (STATUS_FROM), audited.

    Closing an event is points.checkin.closing.close, which also settles the check-ins left open.
    """
    checkpoint = _owned(session, actor_id=actor_id, checkpoint_id=checkpoint_id)
    if checkpoint.status not in STATUS_FROM[status]:
        raise DomainError("checkpoint_status_invalid", status=checkpoint.status)
    journal.record(session, actor_id=actor_id, action=f"checkpoint.{status}", now=now or utcnow(),
                   target_type="checkpoint", target_id=checkpoint_id, before={"status": checkpoint.status},
                   after={"status": status})
    checkpoint.status = status
    session.add(checkpoint)
    return checkpoint


def publish(session: Session, *, actor_id: int, checkpoint_id: int, now: datetime | None = None) -> Checkpoint:
    """Open a draft for check-ins (and sign-ups) within its window."""
    return set_status(session, actor_id=actor_id, checkpoint_id=checkpoint_id, status="published", now=now)


def list_upcoming(session: Session, *, now: datetime | None = None, kinds: tuple = ("event",),
                  community: str | None = None) -> list[Checkpoint]:
    """Published checkpoints that have not ended yet, soonest first; only one community's when it is given."""
    query = (select(Checkpoint).where(col(Checkpoint.status) == "published", col(Checkpoint.kind).in_(kinds),
                                      col(Checkpoint.ends_at) > (now or utcnow()))
             .order_by(col(Checkpoint.starts_at), col(Checkpoint.id)))
    if community:
        query = query.where(col(Checkpoint.community) == community)
    return list(session.execute(query).scalars())


def list_managed(session: Session, *, actor_id: int) -> list[Checkpoint]:
    """What an organiser manages: their own checkpoints; an administrator sees all."""
    actor = require_role(session, actor_id, ORGANIZER, ADMIN)
    query = select(Checkpoint).order_by(col(Checkpoint.starts_at).desc(), col(Checkpoint.id).desc())
    if actor.role != ADMIN:
        query = query.where(col(Checkpoint.created_by) == actor.id)
    return list(session.execute(query).scalars())


def signup_count(session: Session, *, checkpoint_id: int) -> int:
    return session.execute(select(func.count()).select_from(EventSignup)
                           .where(col(EventSignup.checkpoint_id) == checkpoint_id)).scalar_one()


def is_signed_up(session: Session, *, user_id: int, checkpoint_id: int) -> bool:
    return session.execute(select(col(EventSignup.id)).where(col(EventSignup.checkpoint_id) == checkpoint_id,
                                                             col(EventSignup.user_id) == user_id)).first() is not None


def sign_up(session: Session, *, user_id: int, checkpoint_id: int, now: datetime | None = None) -> bool:
    """Reserve a place at a published event; returns False when already signed up, refuses when full."""
    require_role(session, user_id)
    checkpoint = get_checkpoint(session, checkpoint_id=checkpoint_id, lock=True)
    if checkpoint.kind != "event" or checkpoint.status != "published":
        raise DomainError("checkpoint_not_open")
    if checkpoint.ends_at <= (now or utcnow()):
        raise DomainError("checkin_ended")
    if is_signed_up(session, user_id=user_id, checkpoint_id=checkpoint_id):
        return False
    if checkpoint.capacity is not None and signup_count(session, checkpoint_id=checkpoint_id) >= checkpoint.capacity:
        raise DomainError("checkin_full")
    session.add(EventSignup(checkpoint_id=checkpoint_id, user_id=user_id, created_at=now or utcnow()))
    session.flush()
    return True


def my_events(session: Session, *, user_id: int) -> list[Checkpoint]:
    """Events the resident signed up for or checked in at, latest first."""
    signed = select(col(EventSignup.checkpoint_id)).where(col(EventSignup.user_id) == user_id)
    attended = select(col(CheckIn.checkpoint_id)).where(col(CheckIn.user_id) == user_id)
    query = (select(Checkpoint).where(col(Checkpoint.kind) == "event",
                                      col(Checkpoint.id).in_(signed.union(attended).scalar_subquery()))
             .order_by(col(Checkpoint.starts_at).desc()))
    return list(session.execute(query).scalars())


def my_hours(session: Session, *, user_id: int) -> float:
    """Volunteer hours already credited (check-ins still open or under review are not counted)."""
    total = session.execute(select(func.coalesce(func.sum(CheckIn.hours), 0.0))
                            .where(col(CheckIn.user_id) == user_id, col(CheckIn.status) == "credited")).scalar_one()
    return float(total)


def attendance(session: Session, *, actor_id: int, checkpoint_id: int) -> list[AttendanceRow]:
    _owned(session, actor_id=actor_id, checkpoint_id=checkpoint_id)
    rows = session.execute(select(CheckIn, User).join(User, col(User.id) == col(CheckIn.user_id))
                           .where(col(CheckIn.checkpoint_id) == checkpoint_id).order_by(col(CheckIn.checked_in_at)))
    return [AttendanceRow(user.username, user.display_name, checkin.checked_in_at, checkin.checked_out_at,
                          checkin.hours, checkin.status, checkin.flag) for checkin, user in rows]


def attendance_csv(session: Session, *, actor_id: int, checkpoint_id: int) -> str:
    """Attendance as CSV text (UTC ISO times), one row a check-in."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["username", "display_name", "checked_in_at", "checked_out_at", "hours", "status", "flag"])
    for row in attendance(session, actor_id=actor_id, checkpoint_id=checkpoint_id):
        writer.writerow([row.username, row.display_name, row.checked_in_at.isoformat(),
                         row.checked_out_at and row.checked_out_at.isoformat(), row.hours, row.status, row.flag])
    return buffer.getvalue()


PIN_KINDS = {"station": "recycling_station", "event": "event_venue"}


def checkpoint_pins(session: Session, *, now: datetime | None = None) -> list[Place]:
    """Published recycling stations and upcoming events as unsaved Place objects, for the map's own layers."""
    return [Place(id=f"checkpoint-{checkpoint.id}", kind=PIN_KINDS[checkpoint.kind], name_zh=checkpoint.title_zh,
                  name_en=checkpoint.title_en, district=None, confidence="high", pinned=True,
                  geometry={"type": "Point", "coordinates": [checkpoint.lon, checkpoint.lat]},
                  properties={"checkpoint_id": checkpoint.id}, updated_at=checkpoint.created_at)
            for checkpoint in list_upcoming(session, now=now, kinds=tuple(PIN_KINDS))
            if checkpoint.lat is not None and checkpoint.lon is not None]
