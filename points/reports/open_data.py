"""Open data for everyone: CO₂e avoided by action, district, community (社区) and local month, with no cell that
tells about fewer than 5 residents (k-anonymity, k = 5).

What is withheld, and why:
- every cell of fewer than 5 distinct residents (primary suppression): most months of a small community are one
  or two people, and one person's month is their habits;
- and, in a month where the withheld cells together hold fewer than 5 distinct residents, the month's smallest
  published cell as well (complementary suppression). The public landing page shows the city's true CO₂e per
  month (points.reports.stats.city_months); that total minus the month's published cells is the sum of its
  withheld cells, which must therefore be about at least 5 different people too (people who still count there:
  a resident whose credits there were reversed in full keeps a share row but is not one of the 5).
Every other total published from here (by action, district, community, month; a community page's total) is the
sum of published cells only, so it adds nothing about a withheld cell; the database decides which cells those
are, in the one statement both open_data() and community_total() read. Counts are distinct residents, kept exact
by points.reports.community_rollups; call points.reports.rollups.refresh_rollups() first to include new entries.
"""
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, distinct, func, or_, select
from sqlmodel import Session, col

from db.models import OpenDataCell, OpenDataShare, ProblemReport
from points.common.spreadsheet import SafeWriter
from points.communities.registry import find_community
from points.reports.dashboard import categories

MIN_RESIDENTS = 5
CSV_COLUMNS = ("month", "district", "community", "community_name_zh", "community_name_en", "action_code", "category",
               "residents", "co2e_g")
CELL_KEY = ("month", "district", "community", "action_code")
CELL_FIELDS = ("id", *CELL_KEY, "residents", "co2e_g")  # Cell's fields, in order


@dataclass(frozen=True)
class Cell:
    id: int
    month: str
    district: str
    community: str
    action_code: str
    residents: int
    co2e_g: int


@dataclass(frozen=True)
class OpenData:
    cells: list[Cell]  # the published cells, each of at least MIN_RESIDENTS residents
    withheld: int  # how many cells were withheld (both kinds of suppression)


def _judged(months: Select | None = None) -> Select:
    """Every cell with `published` (1 or 0), the rule above decided by the database in one statement: a `small`
    cell (fewer than 5 residents) is withheld; a month whose small cells hold fewer than 5 different residents
    (`people`) loses its other cell of `rank` 1, the smallest, too. Limited to `months` when given: a month is
    always judged whole, so limiting changes no verdict."""
    small = col(OpenDataCell.residents) < MIN_RESIDENTS
    # a share counts as community_rollups.counts_as_resident says, the rule behind `residents`
    counting = or_(col(OpenDataShare.co2e_g) > 0, col(OpenDataShare.points) > 0)
    people: Select = (
        select(col(OpenDataCell.month).label("month"), func.count(distinct(col(OpenDataShare.user_id))).label("people"))
        .select_from(OpenDataCell)
        .outerjoin(OpenDataShare, and_(col(OpenDataShare.cell_id) == col(OpenDataCell.id), counting))
        .where(small).group_by(col(OpenDataCell.month)))
    smallest_first = (col(OpenDataCell.residents), col(OpenDataCell.co2e_g), col(OpenDataCell.id))
    ranked: Select = select(*(col(getattr(OpenDataCell, name)) for name in CELL_FIELDS),
                            func.row_number().over(partition_by=(col(OpenDataCell.month), small),
                                                   order_by=smallest_first).label("rank"))
    if months is not None:
        in_months = col(OpenDataCell.month).in_(months)
        people, ranked = people.where(in_months), ranked.where(in_months)
    behind, cells = people.subquery(), ranked.subquery()
    published = and_(cells.c.residents >= MIN_RESIDENTS,
                     or_(behind.c.people.is_(None), behind.c.people >= MIN_RESIDENTS, cells.c.rank > 1))
    return (select(*(cells.c[name] for name in CELL_FIELDS), case((published, 1), else_=0).label("published"))
            .select_from(cells).outerjoin(behind, behind.c.month == cells.c.month))


def open_data(session: Session) -> OpenData:
    """The published cells; public, no role needed: nothing in them is about fewer than 5 residents."""
    judged = _judged().subquery()
    rows = session.execute(select(judged).order_by(*(judged.c[name] for name in CELL_KEY))).all()
    return OpenData(cells=[Cell(*row[:-1]) for row in rows if row.published],
                    withheld=sum(1 for row in rows if not row.published))


def totals_by(cells: list[Cell], key: Callable[[Cell], str]) -> list[tuple[str, int]]:
    """Sums of the published cells' CO₂e by key(cell), sorted by key: a total of published cells only."""
    sums: dict[str, int] = defaultdict(int)
    for cell in cells:
        sums[key(cell)] += cell.co2e_g
    return sorted(sums.items())


def community_total(session: Session, *, community: str) -> int:
    """A community's CO₂e in the open data, in one statement: the sum of its published cells, judged as open_data()
    judges them (its withheld ones stay withheld), reading only the months the community has cells in."""
    months = select(col(OpenDataCell.month)).where(col(OpenDataCell.community) == community)
    judged = _judged(months).subquery()
    total = session.execute(select(func.coalesce(func.sum(judged.c.co2e_g), 0))
                            .where(judged.c.community == community, judged.c.published == 1)).scalar_one()
    return int(total)


def report_counts(session: Session) -> list[tuple[str, str, int]]:
    """(kind, status, count) of the environmental reports, for the open-data page (issue 17, point 6).

    Reports are already public on the map without personal data (kind, status, day, a rounded spot), so their
    counts by kind and status need no suppression.
    """
    rows = session.execute(select(col(ProblemReport.kind), col(ProblemReport.status), func.count())
                           .group_by(col(ProblemReport.kind), col(ProblemReport.status))
                           .order_by(col(ProblemReport.kind), col(ProblemReport.status))).all()
    return [(kind, status, count) for kind, status, count in rows]


def public_csv(session: Session) -> str:
    """The published cells as CSV, every text cell safe from formula injection (SafeWriter)."""
    category_of = categories(session)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for cell in open_data(session).cells:
        found = find_community(cell.community)
        writer.writerow([cell.month, cell.district, cell.community, found.name_zh if found else "",
                         found.name_en if found else "", cell.action_code, category_of.get(cell.action_code, "other"),
                         cell.residents, cell.co2e_g])
    return out.getvalue()
