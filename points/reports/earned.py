"""Earned points per resident, per local week and ever, folded with the rollups (same batch, same watermark), so
leaderboards read one row per resident instead of aggregating the ledger on every render.

Earned means what the leaderboard always counted: credits minus reversed credits; spending on rewards (and its
refunds) never costs or wins a rank.
"""
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Table, case, or_
from sqlmodel import Session, col

from db.engine import insert_for
from db.models import EarnedTotal, EarnedWeek, LedgerEntry
from points.common.clock import city_zone
from points.score.facts import CREDIT_REVERSAL

EARNED_POINTS = case((or_(col(LedgerEntry.kind) == "earn", CREDIT_REVERSAL), col(LedgerEntry.points)), else_=0)
# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
WEEKS: Table = EarnedWeek.__table__  # type: ignore[attr-defined]
TOTALS: Table = EarnedTotal.__table__  # type: ignore[attr-defined]
CHUNK = 1_000  # rows per multi-row INSERT: three bound values each, well inside SQLite's limit on variables


def week_of(created_at: datetime) -> str:
    """The local Monday of an entry's week, as the leaderboard's week starts (points.common.clock.week_start)."""
    day = created_at.astimezone(city_zone()).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def sum_earned(rows) -> tuple[dict[tuple[str, int], int], dict[int, int]]:
    """(created_at, user_id, earned points) rows -> points per (week, user) and per user; zeros left out."""
    weeks: dict[tuple[str, int], int] = defaultdict(int)
    for created_at, user_id, points in rows:
        if points:
            weeks[(week_of(created_at), user_id)] += points
    totals: dict[int, int] = defaultdict(int)
    for (_week, user_id), points in weeks.items():
        totals[user_id] += points
    return dict(weeks), dict(totals)


def _add(session: Session, table: Table, keys: list[str], rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        statement = insert_for(session, table).values(rows[start:start + CHUNK])
        session.execute(statement.on_conflict_do_update(
            index_elements=[table.c[key] for key in keys],
            set_={"points": table.c.points + statement.excluded.points}))


def merge_earned(session: Session, *, weeks: dict[tuple[str, int], int], totals: dict[int, int]) -> None:
    """Add a batch's sums into the rows already there, in the rollups' short write."""
    if weeks:
        _add(session, WEEKS, ["week", "user_id"],
             [{"week": week, "user_id": user_id, "points": points} for (week, user_id), points in weeks.items()])
    if totals:
        _add(session, TOTALS, ["user_id"],
             [{"user_id": user_id, "points": points} for user_id, points in totals.items()])
