"""The staff's ledger browser: filtered keyset pages of every resident's entries, and a resident's balance.

Paging walks the primary key downwards (`id < cursor`), so page 10,000 costs what page 1 costs.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from db.models import Balance, LedgerEntry, User
from points.common.clock import local_day_bounds
from points.common.errors import DomainError
from points.common.roles import STAFF_READERS, require_role
from points.ledger.chain import KINDS

PAGE_SIZE = 50
COUNT_UP_TO = 10_000  # beyond this the page says "more than" (see count)
STATUSES = ("standing", "reversed")


@dataclass(frozen=True)
class LedgerFilter:
    username: str = ""
    action_code: str = ""
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class LedgerRow:
    entry: LedgerEntry
    username: str


def user_id_of(session: Session, *, username: str) -> int | None:
    """Staff name residents by username, as typed: trimmed and lower-cased like at sign-up."""
    return session.execute(select(col(User.id)).where(col(User.username) == username.strip().lower())
                           ).scalar_one_or_none()


def _reversed_ids():
    reversal = aliased(LedgerEntry)
    return select(col(reversal.original_entry_id)).where(col(reversal.original_entry_id).is_not(None))


def filtered_query(session: Session, *, filters: LedgerFilter) -> Select[LedgerEntry, str]:
    """The WHERE clause of a filter, as a select of entries joined to their owner's username; refuses a bad
    kind, status or date range with DomainError before anything is read."""
    query = select(LedgerEntry, col(User.username)).join(User, col(User.id) == col(LedgerEntry.user_id))
    if filters.username.strip():
        query = query.where(col(LedgerEntry.user_id) == user_id_of(session, username=filters.username))
    if filters.action_code:
        query = query.where(col(LedgerEntry.action_code) == filters.action_code)
    if filters.kind:
        if filters.kind not in KINDS:
            raise DomainError("admin_filter_invalid")
        query = query.where(col(LedgerEntry.kind) == filters.kind)
    if filters.status:
        if filters.status not in STATUSES:
            raise DomainError("admin_filter_invalid")
        entry_id = col(LedgerEntry.id)
        query = query.where(entry_id.in_(_reversed_ids()) if filters.status == "reversed"
                            else entry_id.not_in(_reversed_ids()))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DomainError("admin_date_range_invalid")
    if filters.date_from:
        query = query.where(col(LedgerEntry.created_at) >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(col(LedgerEntry.created_at) < local_day_bounds(filters.date_to)[1])
    return query


def browse(session: Session, *, actor_id: int, filters: LedgerFilter, before_id: int | None = None,
           limit: int = PAGE_SIZE) -> tuple[list[LedgerRow], int | None]:
    """One page, newest first; returns the rows and the cursor of the next page (None at the end)."""
    require_role(session, actor_id, *STAFF_READERS)
    query = filtered_query(session, filters=filters)
    if before_id is not None:
        query = query.where(col(LedgerEntry.id) < before_id)
    rows = [LedgerRow(entry, username) for entry, username in
            session.execute(query.order_by(col(LedgerEntry.id).desc()).limit(limit + 1)).all()]
    cursor = rows[limit - 1].entry.id if len(rows) > limit else None
    return rows[:limit], cursor


def count(session: Session, *, actor_id: int, filters: LedgerFilter, up_to: int = COUNT_UP_TO) -> int:
    """How many entries match, counted no further than `up_to` + 1: a city's whole ledger (millions) would cost a
    scan on every render of the page, and "more than 10,000" tells staff what they need before an export."""
    require_role(session, actor_id, *STAFF_READERS)
    matching = filtered_query(session, filters=filters).limit(up_to + 1).subquery()
    return session.execute(select(func.count()).select_from(matching)).scalar_one()


def resident_balance(session: Session, *, actor_id: int, username: str) -> Balance | None:
    """The Balance heading a resident's statement, or None for an unknown username."""
    require_role(session, actor_id, *STAFF_READERS)
    user_id = user_id_of(session, username=username)
    return session.get(Balance, user_id) if user_id is not None else None
