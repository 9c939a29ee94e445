"""A district's environmental reports as anyone may read them on its communities' pages: kind, status and local
day, counted by status, over the window the public map shows (points.problems.views.PUBLIC_DAYS). Never who
filed one, a note, a photo or a spot: the statements here do not even read those columns.

Why the district and not the community: a report keeps the district its reporter lived in when they filed it
(ProblemReport.district), and no community. The reporter's community today is not the answer: people move, and
their old reports would move with them to another community's page. So a community's page shows its district's
reports, and says so.

Why a district may show none: the district is where the reporter lives, and each report is also a pin on the
public map, so a district's list tells which pins its residents filed. When fewer than 5 different residents of
the district reported in the window, that points at a handful of neighbours, so the district is withheld (the
open data's k = 5, points.reports.open_data). And when the withheld districts, with the reports of residents who
gave no district, hold fewer than 5 different reporters together, the published district with the fewest
reporters is withheld too: the map's pins minus every published list would otherwise be exactly their reports.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, or_, select
from sqlmodel import Session, col

from db.models import ProblemReport
from points.common.clock import local_day, utcnow
from points.problems.rules import STATUSES
from points.problems.views import PUBLIC_DAYS
from points.reports.open_data import MIN_RESIDENTS

LATEST = 50  # reports listed, newest first; the counts by status cover the whole window


@dataclass(frozen=True)
class PublicReport:
    kind: str
    status: str
    reported_on: date  # the local day it was filed


@dataclass(frozen=True)
class DistrictReports:
    withheld: bool  # too few reporters to show anything (see above)
    by_status: list[tuple[str, int]]  # (status, reports), in the order of points.problems.rules.STATUSES
    latest: list[PublicReport]


def reporters_by_district(session: Session, *, since: datetime) -> dict[str | None, int]:
    """How many different residents filed the reports changed since `since`, by the report's district."""
    rows = session.execute(select(col(ProblemReport.district), func.count(distinct(col(ProblemReport.reporter_id))))
                           .where(col(ProblemReport.updated_at) >= since).group_by(col(ProblemReport.district))).all()
    return {district: count for district, count in rows}


def reporters_in(session: Session, *, districts: set[str | None], since: datetime) -> int:
    """Different residents behind the reports of these districts and those of no district, counted once each."""
    named = sorted(district for district in districts if district)
    return session.execute(select(func.count(distinct(col(ProblemReport.reporter_id)))).where(
        col(ProblemReport.updated_at) >= since,
        or_(col(ProblemReport.district).in_(named), func.coalesce(col(ProblemReport.district), "") == ""))).scalar_one()


def withheld_districts(session: Session, *, since: datetime) -> set[str | None]:
    """The districts whose reports no page lists (the two rules above), and None: reports of no district."""
    reporters = reporters_by_district(session, since=since)
    withheld = {district for district, count in reporters.items() if not district or count < MIN_RESIDENTS}
    shown = [district for district in reporters if district not in withheld]
    if withheld and shown and reporters_in(session, districts=withheld, since=since) < MIN_RESIDENTS:
        withheld.add(min(shown, key=lambda district: (reporters[district], district or "")))
    return withheld


def district_reports(session: Session, *, district: str, now: datetime | None = None) -> DistrictReports:
    """The district's reports changed in the public window, unless they are withheld; public, no role needed."""
    since = (now or utcnow()) - timedelta(days=PUBLIC_DAYS)
    if district in withheld_districts(session, since=since):
        return DistrictReports(withheld=True, by_status=[], latest=[])
    ours = (col(ProblemReport.district) == district, col(ProblemReport.updated_at) >= since)
    counts = dict(session.execute(select(col(ProblemReport.status), func.count()).where(*ours)
                                  .group_by(col(ProblemReport.status))).all())
    rows = session.execute(select(col(ProblemReport.kind), col(ProblemReport.status), col(ProblemReport.created_at))
                           .where(*ours).order_by(col(ProblemReport.created_at).desc(), col(ProblemReport.id).desc())
                           .limit(LATEST)).all()
    return DistrictReports(withheld=False,
                           by_status=[(status, counts[status]) for status in STATUSES if status in counts],
                           latest=[PublicReport(kind, status, local_day(when)) for kind, status, when in rows])
