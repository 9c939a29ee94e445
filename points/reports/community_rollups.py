"""The open-data cells (local month x district x community x action) folded from the ledger, each with its count of
distinct residents, so the public open data can withhold every cell of fewer than 5 people
(points.reports.open_data) and the community pages and boards never scan the ledger.

Counted: credits of an action and their reversals (spending and its refunds name no action). A resident counts
in a cell while their net CO2e or points there is above zero, so a credit reversed in full takes them out again;
one OpenDataShare row per resident and cell keeps that count exact. Like the city rollups (points.reports.rollups,
whose refresh calls this one), the fold has its own watermark ("open_data"): each batch is read and summed in a
read session up to the settled head, then applied in a short write that first re-checks the watermark, and an
entry counts in its owner's district and community as they are when the batch is read.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlmodel import Session, col

from db.engine import read_session, write_session
from db.models import LedgerEntry, OpenDataCell, OpenDataShare, User
from points.common.clock import city_zone
from points.reports.watermarks import folded_up_to, lock_watermark, move_watermark
from points.score.facts import CREDIT_REVERSAL

WATERMARK = "open_data"
BATCH_SIZE = 50_000
IN_CHUNK = 500  # ids per IN (...) list: well inside SQLite's limit on bound variables
CellKey = tuple[str, str, str, str]  # month, district, community, action_code
Sums = list[int]  # entries, points, co2e_g
# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
CELLS: Table = OpenDataCell.__table__  # type: ignore[attr-defined]
SHARES: Table = OpenDataShare.__table__  # type: ignore[attr-defined]

NEW_ENTRIES = (select(col(LedgerEntry.id), col(LedgerEntry.created_at), col(LedgerEntry.action_code),
                      col(LedgerEntry.points), col(LedgerEntry.co2e_g), col(User.district), col(User.community),
                      col(LedgerEntry.user_id))
               .join(User, col(User.id) == col(LedgerEntry.user_id))
               .where(col(LedgerEntry.id) > bindparam("after"), col(LedgerEntry.id) <= bindparam("upto"),
                      col(LedgerEntry.action_code).is_not(None), or_(col(LedgerEntry.kind) == "earn", CREDIT_REVERSAL))
               .order_by(col(LedgerEntry.id)).limit(bindparam("limit")))


def counts_as_resident(points: int, co2e_g: int) -> bool:
    return co2e_g > 0 or points > 0


def chunks(values: list) -> list[list]:
    return [values[start:start + IN_CHUNK] for start in range(0, len(values), IN_CHUNK)]


@dataclass(frozen=True)
class Batch:
    """Each resident's sums per cell for the entries after watermark `after`, read up to `last_id`."""

    after: int
    last_id: int
    count: int
    shares: dict[tuple[CellKey, int], Sums]


def read_batch(session: Session, *, upto: int, limit: int = BATCH_SIZE) -> Batch:
    """Up to `limit` counted entries after the watermark; a short batch read everything up to `upto`."""
    after = folded_up_to(session, name=WATERMARK)
    rows = session.execute(NEW_ENTRIES, {"after": after, "upto": upto, "limit": limit}).all()
    zone = city_zone()
    shares: dict[tuple[CellKey, int], Sums] = defaultdict(lambda: [0, 0, 0])
    for _id, created_at, action_code, points, co2e_g, district, community, user_id in rows:
        month = created_at.astimezone(zone).date().isoformat()[:7]
        share = shares[((month, district or "", community or "", action_code), user_id)]
        share[0] += 1
        share[1] += points
        share[2] += co2e_g
    last_id = rows[-1][0] if len(rows) == limit else upto
    return Batch(after, last_id, len(rows), dict(shares))


def cell_ids(session: Session, keys: set[CellKey]) -> dict[CellKey, int]:
    """The ids of these cells, inserting the ones not there yet (empty: the shares fill them)."""
    names = ("month", "district", "community", "action_code")

    def existing() -> dict[CellKey, int]:
        found = session.execute(select(CELLS.c.id, *(CELLS.c[name] for name in names))
                                .where(CELLS.c.month.in_(sorted({key[0] for key in keys})))).all()
        return {tuple(row[1:]): row[0] for row in found if tuple(row[1:]) in keys}

    ids = existing()
    missing = [dict(zip(names, key, strict=True), residents=0, entries=0, points=0, co2e_g=0)
               for key in keys if key not in ids]
    if missing:
        session.execute(insert(CELLS), missing)
        ids = existing()
    return ids


def existing_shares(session: Session, *, cells: list[int], users: list[int]) -> dict[tuple[int, int], tuple]:
    """(cell id, user id) -> (share id, entries, points, co2e_g) of the shares these residents already have."""
    found: dict[tuple[int, int], tuple] = {}
    for some in chunks(users):
        for row in session.execute(select(SHARES.c.cell_id, SHARES.c.user_id, SHARES.c.id, SHARES.c.entries,
                                          SHARES.c.points, SHARES.c.co2e_g)
                                   .where(SHARES.c.cell_id.in_(cells), SHARES.c.user_id.in_(some))):
            found[(row[0], row[1])] = tuple(row[2:])
    return found


def merge_shares(session: Session, *, shares: dict[tuple[CellKey, int], Sums]) -> None:
    """Add each resident's sums into their share and the cell, moving the cell's count of residents by those who
    start or stop counting there; in bulk (Core, not ORM objects)."""
    ids = cell_ids(session, {cell for cell, _user in shares})
    before = existing_shares(session, cells=sorted(set(ids.values())), users=sorted({user for _cell, user in shares}))
    cells: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # residents, entries, points, co2e_g
    updates, inserts = [], []
    for (cell, user_id), (entries, points, co2e_g) in shares.items():
        cell_id = ids[cell]
        share_id, *old = before.get((cell_id, user_id), (None, 0, 0, 0))
        new = [old[0] + entries, old[1] + points, old[2] + co2e_g]
        change = cells[cell_id]
        change[0] += counts_as_resident(new[1], new[2]) - counts_as_resident(old[1], old[2])
        change[1:] = [change[1] + entries, change[2] + points, change[3] + co2e_g]
        if share_id is None:
            inserts.append(dict(cell_id=cell_id, user_id=user_id, entries=new[0], points=new[1], co2e_g=new[2]))
        else:
            updates.append(dict(row_id=share_id, new_entries=new[0], new_points=new[1], new_co2e_g=new[2]))
    if updates:
        session.execute(update(SHARES).where(SHARES.c.id == bindparam("row_id")).values(
            entries=bindparam("new_entries"), points=bindparam("new_points"), co2e_g=bindparam("new_co2e_g")),
            updates, execution_options={"synchronize_session": False})
    if inserts:
        session.execute(insert(SHARES), inserts)
    session.execute(update(CELLS).where(CELLS.c.id == bindparam("row_id")).values(
        residents=CELLS.c.residents + bindparam("more_residents"), entries=CELLS.c.entries + bindparam("more_entries"),
        points=CELLS.c.points + bindparam("more_points"), co2e_g=CELLS.c.co2e_g + bindparam("more_co2e_g")),
        [dict(row_id=cell_id, more_residents=residents, more_entries=entries, more_points=points, more_co2e_g=co2e_g)
         for cell_id, (residents, entries, points, co2e_g) in cells.items()],
        execution_options={"synchronize_session": False})


def apply_batch(session: Session, *, batch: Batch) -> bool:
    """Add the batch and move the watermark, unless another refresh moved it since the read (then nothing is
    written and False returned: those entries are already counted)."""
    mark = lock_watermark(session, name=WATERMARK)
    if mark.last_entry_id != batch.after:
        return False
    if batch.shares:
        merge_shares(session, shares=batch.shares)
    move_watermark(mark, to=batch.last_id, session=session)
    return True


def refresh_open_data(*, upto: int, batch_size: int = BATCH_SIZE) -> None:
    """Bring the open-data cells up to the settled ledger id `upto` (points.ledger.settled.committed_max_id)."""
    while True:
        with read_session() as session:
            batch = read_batch(session, upto=upto, limit=batch_size)
        if batch.last_id <= batch.after:
            return
        with write_session() as session:
            applied = apply_batch(session, batch=batch)
        if applied and batch.count < batch_size:
            return
