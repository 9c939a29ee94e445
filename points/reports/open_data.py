"""Open data for everyone: CO₂e avoided by action, district, community (社区) and local month, with no cell that
tells about fewer than 5 residents (k-anonymity, k = 5).

What is withheld, and why:
- every cell of fewer than 5 distinct residents (primary suppression): most months of a small community are one
  or two people, and one person's month is their habits;
- and, in a month where the withheld cells together hold fewer than 5 distinct residents, the month's smallest
  published cell as well (complementary suppression). The public landing page shows the city's true CO₂e per
  month (points.reports.stats.city_months); that total minus the month's published cells is the sum of its
  withheld cells, which must therefore be about at least 5 different people too.
Every other total published from here (by action, district, community, month; a community page's total) is the
sum of published cells only, so it adds nothing about a withheld cell. Counts are distinct residents, kept exact
by points.reports.community_rollups; call points.reports.rollups.refresh_rollups() first to include new entries.
"""
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import OpenDataCell, OpenDataShare, ProblemReport
from points.common.spreadsheet import SafeWriter
from points.communities.registry import find_community
from points.reports.community_rollups import chunks
from points.reports.dashboard import categories

MIN_RESIDENTS = 5
CSV_COLUMNS = ("month", "district", "community", "community_name_zh", "community_name_en", "action_code", "category",
               "residents", "co2e_g")


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


def all_cells(session: Session) -> list[Cell]:
    """Every cell anybody's entries made, in (month, district, community, action) order: a few rows per community
    and month whatever the size of the ledger."""
    keys = (col(OpenDataCell.month), col(OpenDataCell.district), col(OpenDataCell.community),
            col(OpenDataCell.action_code))
    rows = session.execute(select(col(OpenDataCell.id), *keys, col(OpenDataCell.residents),
                                  col(OpenDataCell.co2e_g)).order_by(*keys)).all()
    return [Cell(*row) for row in rows]


def distinct_residents(session: Session, *, cell_ids: list[int]) -> int:
    """How many different people have a part in these cells (each has fewer than 5, so this reads few rows)."""
    people: set[int] = set()
    for some in chunks(cell_ids):
        people.update(session.execute(select(col(OpenDataShare.user_id))
                                      .where(col(OpenDataShare.cell_id).in_(some))).scalars())
    return len(people)


def withheld_cells(session: Session, cells: list[Cell]) -> set[int]:
    """Ids of the cells not to publish: those of fewer than 5 residents, and, in a month whose withheld cells hold
    fewer than 5 different people, its smallest published cell (whose own 5 or more residents make up the rest)."""
    withheld = {cell.id for cell in cells if cell.residents < MIN_RESIDENTS}
    by_month: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_month[cell.month].append(cell)
    for month_cells in by_month.values():
        hidden = [cell.id for cell in month_cells if cell.id in withheld]
        shown = [cell for cell in month_cells if cell.id not in withheld]
        if hidden and shown and distinct_residents(session, cell_ids=hidden) < MIN_RESIDENTS:
            withheld.add(min(shown, key=lambda cell: (cell.residents, cell.co2e_g, cell.id)).id)
    return withheld


def open_data(session: Session) -> OpenData:
    """The published cells; public, no role needed: nothing in them is about fewer than 5 residents."""
    cells = all_cells(session)
    withheld = withheld_cells(session, cells)
    return OpenData(cells=[cell for cell in cells if cell.id not in withheld], withheld=len(withheld))


def totals_by(cells: list[Cell], key: Callable[[Cell], str]) -> list[tuple[str, int]]:
    """Sums of the published cells' CO₂e by key(cell), sorted by key: a total of published cells only."""
    sums: dict[str, int] = defaultdict(int)
    for cell in cells:
        sums[key(cell)] += cell.co2e_g
    return sorted(sums.items())


def community_total(session: Session, *, community: str) -> int:
    """A community's CO₂e in the open data: the sum of its published cells (its withheld ones stay withheld)."""
    return sum(cell.co2e_g for cell in open_data(session).cells if cell.community == community)


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
