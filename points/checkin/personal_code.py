"""A resident's short-lived personal code, scanned by a station attendant who then credits material by kg.

The code names the user and an expiry and is signed with the server secret: a screenshot stops working after
a few minutes, and nobody can make a code for someone else. This is how a station credits (its poster does
not): the attendant's weighing is verified data (source staff), which supersedes the resident's own reports of
that material on that day.
"""
import hashlib
import re
from datetime import datetime, timedelta

from sqlmodel import Session

from points.checkin.tokens import same, sign
from points.claims.channels import STAFF
from points.claims.lifecycle import ClaimResult, record_verified
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, ORGANIZER, require_role

PURPOSE = "personal"
LIFETIME = timedelta(minutes=5)
MATERIALS = ("paper", "plastic", "glass", "metal", "low_value", "kitchen")
MAX_KG = 50.0
_CODE_SHAPE = re.compile(r"GE1\.([1-9][0-9]{0,11})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{22})")


def issue_code(user_id: int, *, now: datetime | None = None) -> str:
    expires = int(((now or utcnow()) + LIFETIME).timestamp())
    return f"GE1.{user_id}.{expires}." + sign(PURPOSE, user_id, expires)


def read_code(code: object, *, now: datetime | None = None) -> int:
    """The user id a genuine, unexpired code names; DomainError otherwise."""
    match = _CODE_SHAPE.fullmatch(code.strip()) if isinstance(code, str) else None
    if match is None or not same(match.group(3), sign(PURPOSE, match.group(1), match.group(2))):
        raise DomainError("personal_code_invalid")
    if int(match.group(2)) < (now or utcnow()).timestamp():
        raise DomainError("personal_code_expired")
    return int(match.group(1))


def credit_at_station(session: Session, *, attendant_id: int, code: str, material: str, kg: float,
                      station_id: int | None = None, now: datetime | None = None) -> ClaimResult:
    """The attendant weighed the resident's sorted material: credit it by the catalogue's factor, once a code."""
    now = now or utcnow()
    require_role(session, attendant_id, ORGANIZER, ADMIN)
    user_id = read_code(code, now=now)
    if user_id == attendant_id:
        raise DomainError("station_self_credit")
    if material not in MATERIALS:
        raise DomainError("station_material_invalid")
    if not isinstance(kg, (int, float)) or not 0 < kg <= MAX_KG:
        raise DomainError("station_kg_invalid", max=MAX_KG)
    code_digest = hashlib.sha256(code.strip().encode()).hexdigest()[:24]
    # record_verified itself refuses a resident whose account is disabled or deleted.
    return record_verified(session, user_id=user_id, action_code=material, quantity=round(float(kg), 2),
                           occurred_at=now, idempotency_key=f"station:{code_digest}:{material}",
                           checkpoint_id=station_id, created_by=attendant_id, source=STAFF, now=now)
