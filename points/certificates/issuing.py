"""A certificate row per statement: asking twice for the same figures gives the same certificate (and link).

The figures are summed first, in a read (the volunteer's check-ins, a year of ledger entries), and the write that
issues is brief: it re-checks the resident and inserts the row with the figures it is given. On SQLite a write
transaction is the city-wide lock, so no sum runs inside it. The key names the kind, the resident and the
figures, so a certificate once issued keeps its number and date, and a credit that lands between the read and
the write only makes the next request issue another certificate with the new figures, never this one a wrong one.
Two clicks at once insert one row (ON CONFLICT DO NOTHING).

`issue_*` own their transactions (a read, then a write), as points.accounts.privacy's deletion does;
`record_*` are the writes alone, for a caller that already holds the figures.
"""
from datetime import datetime

from sqlmodel import Session, col, select

from db.engine import insert_for, read_session, write_session
from db.models import Certificate, ProjectGift
from points.certificates.statements import CarbonYear, VolunteerHours, carbon_year, volunteer_hours
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


def record_volunteer(session: Session, *, user_id: int, stated: VolunteerHours,
                     now: datetime | None = None) -> Certificate:
    """The write: a certificate of hours summed before it; refused while there are none."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    if stated.hours <= 0:
        raise DomainError("certificate_no_hours")
    return _issue(session, key=f"{VOLUNTEER}:{user_id}:{stated.hours:.2f}:{stated.events}", now=now,
                  kind=VOLUNTEER, user_id=user_id, hours=stated.hours, events=stated.events)


def record_carbon(session: Session, *, user_id: int, stated: CarbonYear, now: datetime | None = None) -> Certificate:
    """The write: a local year's CO₂e and earned points summed before it; refused for a future or empty year."""
    now = now or utcnow()
    require_role(session, user_id, RESIDENT)
    if stated.year > local_day(now).year:
        raise DomainError("certificate_future_year")
    if stated.co2e_g <= 0 and stated.points <= 0:
        raise DomainError("certificate_empty_year", year=stated.year)
    return _issue(session, key=f"{CARBON}:{user_id}:{stated.year}:{stated.co2e_g}:{stated.points}", now=now,
                  kind=CARBON, user_id=user_id, year=stated.year, co2e_g=stated.co2e_g, points=stated.points)


def issue_volunteer(*, user_id: int, now: datetime | None = None) -> Certificate:
    """The resident's credited volunteer hours so far."""
    with read_session() as session:
        stated = volunteer_hours(session, user_id=user_id)
    with write_session() as session:
        return record_volunteer(session, user_id=user_id, stated=stated, now=now)


def issue_carbon(*, user_id: int, year: int, now: datetime | None = None) -> Certificate:
    """A local year's CO₂e and earned points (this year: so far)."""
    with read_session() as session:
        stated = carbon_year(session, user_id=user_id, year=year)
    with write_session() as session:
        return record_carbon(session, user_id=user_id, stated=stated, now=now)


def issue_gift(*, user_id: int, gift_id: int, now: datetime | None = None) -> Certificate:
    """The resident's own gift, not given back: one row read by its key, then the insert, in one short write."""
    now = now or utcnow()
    with write_session() as session:
        require_role(session, user_id, RESIDENT)
        gift = session.get(ProjectGift, gift_id)
        if gift is None or gift.user_id != user_id:
            raise DomainError("project_unknown")
        if gift.refund_entry_id is not None:
            raise DomainError("certificate_gift_refunded")
        return _issue(session, key=f"{GIFT}:{gift_id}", now=now, kind=GIFT, user_id=user_id, points=gift.points,
                      gift_id=gift_id)
