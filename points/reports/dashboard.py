"""The city dashboard's figures, read from the monthly rollups (never the ledger) so they stay fast at city scale."""
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import ActionType, Balance, CheckIn, Checkpoint, MonthlyRollup, OpenDataCell
from points.common.clock import utcnow
from points.common.roles import STAFF_READERS, require_role
from points.common.spreadsheet import SafeWriter

ACTIVE_WINDOW = timedelta(days=30)
BUSIEST_LIMIT = 10
OPEN_DATA_COLUMNS = ("month", "district", "action_code", "category", "kind", "entries", "points", "co2e_g")


@dataclass(frozen=True)
class PointTotals:
    issued: int
    reversed: int
    adjusted: int
    redeemed: int
    expired: int
    given: int = 0  # given to public projects, net of the refunds of cancelled ones (kind "give")

    @property
    def outstanding(self) -> int:
        """The liability: points held by residents that may still be redeemed."""
        return self.issued + self.reversed + self.adjusted - self.redeemed - self.expired - self.given

    @property
    def redemption_rate(self) -> float:
        credited = self.issued + self.reversed + self.adjusted
        return self.redeemed / credited if credited > 0 else 0.0


@dataclass(frozen=True)
class Dashboard:
    co2e_by_action: list[tuple[str, int]]
    co2e_by_category: list[tuple[str, int]]
    co2e_by_district: list[tuple[str, int]]
    co2e_by_community: list[tuple[str, int]]  # community id ("" for none given) -> grams, staff only: not suppressed
    co2e_by_month: list[tuple[str, int]]
    points: PointTotals
    active_residents: int
    busiest_checkpoints: list[tuple[int, str, str, int]]


def categories(session: Session) -> dict[str, str]:
    """Action code -> category, from the current catalogue versions."""
    return dict(session.execute(select(col(ActionType.code), col(ActionType.category))
                                .where(col(ActionType.current))).all())


def monthly_totals(session: Session) -> list[tuple[str, str, str, str, int, int, int]]:
    """(month, district, action_code, kind, entries, points, co2e_g): a few thousand rows feed every figure."""
    keys = (col(MonthlyRollup.month), col(MonthlyRollup.district), col(MonthlyRollup.action_code),
            col(MonthlyRollup.kind))
    rows = session.execute(select(*keys, col(MonthlyRollup.entries), col(MonthlyRollup.points),
                                  col(MonthlyRollup.co2e_g)).order_by(*keys)).all()
    return [tuple(row) for row in rows]


def summed(rows, key, value) -> list[tuple[str, int]]:
    """Totals of `value(row)` by `key(row)`, sorted by key, leaving out the keys that sum to nothing."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[key(row)] = totals.get(key(row), 0) + value(row)
    return sorted((name, total) for name, total in totals.items() if total)


def community_totals(session: Session) -> list[tuple[str, int]]:
    """CO2e by community from the open-data cells (points.reports.community_rollups): one row per community."""
    community = col(OpenDataCell.community)
    rows = session.execute(select(community, func.sum(OpenDataCell.co2e_g)).group_by(community).order_by(community))
    return [(name, int(total)) for name, total in rows if total]


def point_totals(rows) -> PointTotals:
    by_kind = dict(summed(rows, itemgetter(3), itemgetter(5)))
    return PointTotals(issued=by_kind.get("earn", 0), reversed=by_kind.get("reversal", 0),
                       adjusted=by_kind.get("adjust", 0), redeemed=-by_kind.get("redeem", 0),
                       expired=-by_kind.get("expire", 0), given=-by_kind.get("give", 0))


def active_residents(session: Session, *, now: datetime) -> int:
    """Accounts whose balance moved in the last 30 days (index-only on Balance.updated_at, last_seq)."""
    return session.execute(select(func.count()).select_from(Balance).where(
        col(Balance.updated_at) >= now - ACTIVE_WINDOW, col(Balance.last_seq) > 0)).scalar_one()


def busiest_checkpoints(session: Session, *, limit: int = BUSIEST_LIMIT) -> list[tuple[int, str, str, int]]:
    counted = (select(col(CheckIn.checkpoint_id), func.count().label("visits"))
               .group_by(col(CheckIn.checkpoint_id)).order_by(func.count().desc()).limit(limit).subquery())
    rows = session.execute(select(col(Checkpoint.id), col(Checkpoint.title_zh), col(Checkpoint.title_en),
                                  counted.c.visits)
                           .join(counted, counted.c.checkpoint_id == col(Checkpoint.id))
                           .order_by(counted.c.visits.desc())).all()
    return [(row[0], row[1], row[2], int(row[3])) for row in rows]


def city_dashboard(session: Session, *, actor_id: int, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows; call points.reports.rollups.refresh_rollups() first to include new entries."""
    require_role(session, actor_id, *STAFF_READERS)
    rows = monthly_totals(session)
    category_of = categories(session)
    co2e = itemgetter(6)
    return Dashboard(co2e_by_action=summed(rows, itemgetter(2), co2e),
                     co2e_by_category=summed(rows, lambda row: category_of.get(row[2], "other"), co2e),
                     co2e_by_district=summed(rows, itemgetter(1), co2e),
                     co2e_by_community=community_totals(session),
                     co2e_by_month=summed(rows, itemgetter(0), co2e),
                     points=point_totals(rows), active_residents=active_residents(session, now=now or utcnow()),
                     busiest_checkpoints=busiest_checkpoints(session))


def open_data_csv(session: Session, *, actor_id: int) -> str:
    """Monthly aggregates by district, action and kind: no user id, name or single entry leaves here."""
    require_role(session, actor_id, *STAFF_READERS)
    category_of = categories(session)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(OPEN_DATA_COLUMNS)
    for month, district, code, kind, entries, points, co2e_g in monthly_totals(session):
        writer.writerow([month, district, code, category_of.get(code, "other") if code else "", kind, entries,
                         points, co2e_g])
    return out.getvalue()
