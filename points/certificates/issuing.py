"""A certificate row per statement: asking twice for the same figures gives the same certificate (and link).

The key names the kind, the resident and the figures, so a certificate once issued keeps its number and date;
new hours or a new year's figures make a new one. Two clicks at once insert one row (ON CONFLICT DO NOTHING).
"""
from datetime import datetime

from sqlmodel import Session, col, select

from db.engine import insert_for
from db.models import Certificate, ProjectGift
from points.certificates.statements import carbon_year, volunteer_hours
from points.common.clock import local_day, utcnow
from points.common.errors import DomainError
from points.common.roles import RESIDENT, require_role

VOLUNTEER, CARBON, GIFT = "volunteer", "carbon", "gift"
KINDS = (VOLUNTEER, CARBON, GIFT)
# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
_TABLE = Certificate.__table__  # type: ignore[attr-defined]


def _issue(session: Session, *, key: str, now: datetime, **fields) -> Certificate:
    session.execute(insert_for(session, _TABLE).values(key=key, issued_at=now, **fields)
                    .on_conflict_do_nothing(index_elements=[_TABLE.c.key]))
    return session.exec(select(Certificate).where(col(Certificate.key) == key)).one()


def issue_volunteer(session: Session, *, user_id: int, now: datetime | None = None) -> Certificate:
    """The resident's credited volunteer hours so far; refused while there are none."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    stated = volunteer_hours(session, user_id=user_id)
    if stated.hours <= 0:
        raise DomainError("certificate_no_hours")
    return _issue(session, key=f"{VOLUNTEER}:{user_id}:{stated.hours:.2f}:{stated.events}", now=now,
                  kind=VOLUNTEER, user_id=user_id, hours=stated.hours, events=stated.events)


def issue_carbon(session: Session, *, user_id: int, year: int, now: datetime | None = None) -> Certificate:
    """A local year's CO₂e and earned points (this year: so far); refused for a future year or an empty one."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    if year > local_day(now).year:
        raise DomainError("certificate_future_year")
    stated = carbon_year(session, user_id=user_id, year=year)
    if stated.co2e_g <= 0 and stated.points <= 0:
        raise DomainError("certificate_empty_year", year=year)
    return _issue(session, key=f"{CARBON}:{user_id}:{year}:{stated.co2e_g}:{stated.points}", now=now,
                  kind=CARBON, user_id=user_id, year=year, co2e_g=stated.co2e_g, points=stated.points)


def issue_gift(session: Session, *, user_id: int, gift_id: int, now: datetime | None = None) -> Certificate:
    """The resident's own gift, not given back."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    gift = session.get(ProjectGift, gift_id)
    if gift is None or gift.user_id != user_id:
        raise DomainError("project_unknown")
    if gift.refund_entry_id is not None:
        raise DomainError("certificate_gift_refunded")
    return _issue(session, key=f"{GIFT}:{gift_id}", now=now, kind=GIFT, user_id=user_id, points=gift.points,
                  gift_id=gift_id)
