"""A community's environmental reports as anyone may read them on its page: kind, status and local day, counted by
status, over the window the public map shows (points.problems.views.PUBLIC_DAYS). Never who filed one, a note, a
photo or a spot: the statements here do not even read those columns.

Which reports are a community's: those whose reporter lived there when they filed them. A report keeps the
community it was filed in (ProblemReport.community, set by points.problems.filing), as it keeps the district: a
resident who moves takes no old report to their new community's page. Reports filed before the column existed
(migration 0018) have no community; they are on the map and on no community's page.

Why a community may show none: the community is where the reporter lives, and each report is also a pin on the
public map, so a community's list tells which pins its residents filed. When fewer than 5 different residents of
the community reported in the window, that points at a handful of neighbours, so the community is withheld (the
open data's k = 5, points.reports.open_data). The pins no page lists are the rest: the withheld communities',
those of no community and those of a community the city no longer lists (it has no page). When the rest holds
fewer than 5 different reporters, the published community with the fewest reporters is withheld too: the map's
pins minus every published list would otherwise be exactly their reports. No list by district is published (the
open data counts the city's reports by kind and status only), so the communities' lists and the map are the views
to compare.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, or_, select
from sqlmodel import Session, col

from db.models import ProblemReport
from points.common.clock import local_day, utcnow
from points.communities.registry import communities
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
class CommunityReports:
    withheld: bool  # too few reporters to show anything (see above)
    by_status: list[tuple[str, int]]  # (status, reports), in the order of points.problems.rules.STATUSES
    latest: list[PublicReport]


def reporters_by_community(session: Session, *, since: datetime) -> dict[str | None, int]:
    """How many different residents filed the reports changed since `since`, by the report's community."""
    rows = session.execute(select(col(ProblemReport.community), func.count(distinct(col(ProblemReport.reporter_id))))
                           .where(col(ProblemReport.updated_at) >= since).group_by(col(ProblemReport.community))).all()
    return {community: count for community, count in rows}


def reporters_of_rest(session: Session, *, withheld: set[str | None], since: datetime) -> int:
    """Different residents behind the reports no page lists: the withheld communities' and those of no community,
    counted once each."""
    named = sorted(community for community in withheld if community is not None)
    return session.execute(select(func.count(distinct(col(ProblemReport.reporter_id)))).where(
        col(ProblemReport.updated_at) >= since,
        or_(col(ProblemReport.community).in_(named), col(ProblemReport.community).is_(None)))).scalar_one()


def withheld_communities(session: Session, *, since: datetime) -> set[str | None]:
    """The communities whose reports no page lists (the two rules above), with None (reports of no community) and
    any community the city's list no longer has."""
    reporters = reporters_by_community(session, since=since)
    city = {community.id for community in communities()}
    withheld = {community for community, count in reporters.items() if community not in city or count < MIN_RESIDENTS}
    shown = [community for community in reporters if community not in withheld]
    if withheld and shown and reporters_of_rest(session, withheld=withheld, since=since) < MIN_RESIDENTS:
        withheld.add(min(shown, key=lambda community: (reporters[community], community or "")))
    return withheld


def reports_of_community(session: Session, *, community: str, now: datetime | None = None) -> CommunityReports:
    """The community's reports changed in the public window, unless they are withheld; public, no role needed."""
    since = (now or utcnow()) - timedelta(days=PUBLIC_DAYS)
    if community in withheld_communities(session, since=since):
        return CommunityReports(withheld=True, by_status=[], latest=[])
    ours = (col(ProblemReport.community) == community, col(ProblemReport.updated_at) >= since)
    counts = dict(session.execute(select(col(ProblemReport.status), func.count()).where(*ours)
                                  .group_by(col(ProblemReport.status))).all())
    rows = session.execute(select(col(ProblemReport.kind), col(ProblemReport.status), col(ProblemReport.created_at))
                           .where(*ours).order_by(col(ProblemReport.created_at).desc(), col(ProblemReport.id).desc())
                           .limit(LATEST)).all()
    return CommunityReports(withheld=False,
                            by_status=[(status, counts[status]) for status in STATUSES if status in counts],
                            latest=[PublicReport(kind, status, local_day(when)) for kind, status, when in rows])
