"""Environmental reports set up through the domain, for the unit, page and browser tests of points.problems."""
import math
from datetime import datetime

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuditLog, Balance, InboxMessage, LedgerEntry, ProblemReport, ProblemStep, ProblemSupport
from points.places.geo import EARTH_RADIUS_M
from points.problems import filing, triage

BEACH = (24.4334, 118.1095)  # 厦门大学白城沙滩, WGS-84


def north_of(spot: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point `metres` due north: along a meridian haversine is exactly R x the latitude difference."""
    return spot[0] + math.degrees(metres / EARTH_RADIUS_M), spot[1]


def file(user_id: int, *, kind: str = "marine_litter", spot: tuple[float, float] = BEACH, note: str | None = None,
         now: datetime | None = None) -> int:
    with write_session() as session:
        report = filing.file_report(session, user_id=user_id, kind=kind, lat=spot[0], lon=spot[1], note=note,
                                    now=now)
        assert report.id is not None
        return report.id


def step(admin_id: int, report_id: int, action: str, note: str | None = None, **options) -> triage.Triaged:
    with write_session() as session:
        return triage.take_step(session, actor_id=admin_id, report_id=report_id, action=action, note=note, **options)


def report(report_id: int) -> ProblemReport:
    with read_session() as session:
        found = session.get(ProblemReport, report_id)
        assert found is not None
        return found


def balance(user_id: int) -> int:
    with read_session() as session:
        found = session.get(Balance, user_id)
        return found.points if found else 0


def counts() -> dict[str, int]:
    """How many rows each table a report touches holds: what a refused step must leave unchanged."""
    with read_session() as session:
        return {model.__name__: len(session.exec(select(model.id)).all())  # type: ignore[attr-defined]
                for model in (ProblemReport, ProblemSupport, ProblemStep, AuditLog, LedgerEntry, InboxMessage)}
