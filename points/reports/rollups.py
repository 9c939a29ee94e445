"""Daily and monthly city aggregates (and each resident's earned points, points.reports.earned) folded
incrementally from the ledger, so neither the dashboard nor the leaderboards scan it.

A watermark row remembers the last ledger id folded in; each refresh reads only newer entries, in batches.
A batch is read and summed in a read session, up to the settled head (`committed_max_id`), then applied in a
short write that first re-checks the watermark: if another refresh moved it meanwhile, the batch is dropped
and read again from there, so no entry is ever counted twice and no write lock is held while 50,000 entries
are read (on SQLite that lock holds every credit in the city). An entry counts in its owner's district as it
is when the batch is read. `points.ledger.post` stays untouched: the dashboard and
`manage.py refresh-rollups` call `refresh_rollups()` before reading.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, insert, select, update
from sqlmodel import Session, col

from db.engine import read_session, write_session
from db.models import DailyRollup, LedgerEntry, MonthlyRollup, User
from points.common.clock import city_zone
from points.ledger.settled import committed_max_id
from points.reports.community_rollups import refresh_open_data
from points.reports.earned import EARNED_POINTS, merge_earned, sum_earned
from points.reports.watermarks import folded_up_to, lock_watermark, move_watermark

WATERMARK = "daily"
BATCH_SIZE = 50_000
RollupKey = tuple[str, str, str, str]  # day (or month), district, action_code, kind


def sum_entries(rows) -> tuple[dict[RollupKey, list[int]], int]:
    """Group (id, created_at, kind, action_code, points, co2e_g, district, ...) rows by local day and key."""
    zone = city_zone()
    totals: dict[RollupKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    last_id = 0
    for entry_id, created_at, kind, action_code, points, co2e_g, district, *_earned in rows:
        key = (created_at.astimezone(zone).date().isoformat(), district or "", action_code or "", kind)
        total = totals[key]
        total[0] += 1
        total[1] += points
        total[2] += co2e_g
        last_id = entry_id
    return totals, last_id


def by_month(totals: dict[RollupKey, list[int]]) -> dict[RollupKey, list[int]]:
    """The same sums keyed by month ("2026-03") instead of day."""
    monthly: dict[RollupKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (day, district, action_code, kind), sums in totals.items():
        key = (day[:7], district, action_code, kind)
        monthly[key] = [before + added for before, added in zip(monthly[key], sums, strict=False)]
    return monthly


def merge(session: Session, *, table: Table, period_name: str, totals: dict[RollupKey, list[int]]) -> None:
    """Add the batch's sums to the rows already there and insert the new ones, in bulk (Core, not ORM objects)."""
    names = (period_name, "district", "action_code", "kind")
    period, *keys = [table.c[name] for name in names]
    existing = {tuple(row[1:5]): row for row in session.execute(
        select(table.c.id, period, *keys, table.c.entries, table.c.points, table.c.co2e_g)
        .where(period.in_(sorted({key[0] for key in totals}))))}
    updates: list[dict] = []
    inserts: list[dict] = []
    for key, (entries, points, co2e_g) in totals.items():
        row = existing.get(key)
        if row is None:
            inserts.append(dict(zip(names, key, strict=True), entries=entries, points=points, co2e_g=co2e_g))
        else:
            updates.append(dict(row_id=row.id, new_entries=row.entries + entries, new_points=row.points + points,
                                new_co2e_g=row.co2e_g + co2e_g))
    if updates:
        session.execute(update(table).where(table.c.id == bindparam("row_id")).values(
            entries=bindparam("new_entries"), points=bindparam("new_points"), co2e_g=bindparam("new_co2e_g")),
            updates, execution_options={"synchronize_session": False})
    if inserts:
        session.execute(insert(table), inserts)


@dataclass(frozen=True)
class Batch:
    """Sums of the entries after watermark `after` up to `last_id`, made in a read session."""

    after: int
    last_id: int
    count: int
    totals: dict[RollupKey, list[int]]
    earned_weeks: dict[tuple[str, int], int]  # (week, user id) -> earned points
    earned_totals: dict[int, int]  # user id -> earned points


NEW_ENTRIES = (select(col(LedgerEntry.id), col(LedgerEntry.created_at), col(LedgerEntry.kind),
                      col(LedgerEntry.action_code), col(LedgerEntry.points), col(LedgerEntry.co2e_g),
                      col(User.district), col(LedgerEntry.user_id), EARNED_POINTS)
               .join(User, col(User.id) == col(LedgerEntry.user_id))
               .where(col(LedgerEntry.id) > bindparam("after"), col(LedgerEntry.id) <= bindparam("upto"))
               .order_by(col(LedgerEntry.id)).limit(bindparam("limit")))

# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
DAILY: Table = DailyRollup.__table__  # type: ignore[attr-defined]
MONTHLY: Table = MonthlyRollup.__table__  # type: ignore[attr-defined]


def read_batch(session: Session, *, upto: int, limit: int = BATCH_SIZE) -> Batch:
    """Read and sum up to `limit` entries after the watermark (and not beyond the settled id `upto`)."""
    after = watermark(session)
    rows = session.execute(NEW_ENTRIES, {"after": after, "upto": upto, "limit": limit}).all()
    totals, last_id = sum_entries(rows)
    weeks, earned = sum_earned((row.created_at, row.user_id, row[-1]) for row in rows)
    return Batch(after, last_id, len(rows), totals, weeks, earned)


def apply_batch(session: Session, *, batch: Batch) -> bool:
    """Add the batch's sums and move the watermark, unless another refresh moved it since the read
    (then nothing is written and False returned: those entries are already counted)."""
    mark = lock_watermark(session, name=WATERMARK)
    if mark.last_entry_id != batch.after:
        return False
    merge(session, table=DAILY, period_name="day", totals=batch.totals)
    merge(session, table=MONTHLY, period_name="month", totals=by_month(batch.totals))
    merge_earned(session, weeks=batch.earned_weeks, totals=batch.earned_totals)
    move_watermark(mark, to=batch.last_id, session=session)
    return True


def refresh_rollups(*, batch_size: int = BATCH_SIZE) -> int:
    """Bring the rollups (and the open-data cells, points.reports.community_rollups) up to the ledger's settled
    head; returns the number of entries this call folded into the city rollups."""
    upto = committed_max_id()
    refresh_open_data(upto=upto, batch_size=batch_size)
    folded = 0
    while True:
        with read_session() as session:
            batch = read_batch(session, upto=upto, limit=batch_size)
        if not batch.count:
            return folded
        with write_session() as session:
            applied = apply_batch(session, batch=batch)
        if applied:
            folded += batch.count
            if batch.count < batch_size:
                return folded


def watermark(session: Session) -> int:
    return folded_up_to(session, name=WATERMARK)
