"""The admin's view of the ledger: filtered keyset pages, statements, CSV export and manual adjustments.

Paging walks the primary key downwards (`id < cursor`), so page 10,000 costs what page 1 costs.
"""
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from db.models import LedgerEntry, User
from points.audit import journal
from points.common.clock import local_day_bounds
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role
from points.common.spreadsheet import SafeWriter
from points.ledger import chain

PAGE_SIZE = 50
EXPORT_CHUNK = 5_000
STATUSES = ("standing", "reversed")
MAX_REASON = 400
CSV_COLUMNS = ("id", "username", "seq", "kind", "points", "co2e_g", "action_code", "quantity", "claim_id",
               "original_entry_id", "reason", "created_by", "created_at", "hash")


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


def _user_id(session: Session, username: str) -> int | None:
    return session.execute(select(User.id).where(User.username == username.strip().lower())).scalar_one_or_none()


def filtered_query(session: Session, filters: LedgerFilter):
    """The WHERE clause of a filter, as a select of entries joined to their owner's username."""
    query = select(LedgerEntry, User.username).join(User, User.id == LedgerEntry.user_id)
    if filters.username.strip():
        query = query.where(LedgerEntry.user_id == _user_id(session, filters.username))
    if filters.action_code:
        query = query.where(LedgerEntry.action_code == filters.action_code)
    if filters.kind:
        if filters.kind not in chain.KINDS:
            raise DomainError("admin_filter_invalid")
        query = query.where(LedgerEntry.kind == filters.kind)
    if filters.status:
        if filters.status not in STATUSES:
            raise DomainError("admin_filter_invalid")
        reversal = aliased(LedgerEntry)
        reversed_ids = select(reversal.original_entry_id).where(reversal.original_entry_id.is_not(None))
        query = query.where(LedgerEntry.id.in_(reversed_ids) if filters.status == "reversed"
                            else LedgerEntry.id.not_in(reversed_ids))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DomainError("admin_date_range_invalid")
    if filters.date_from:
        query = query.where(LedgerEntry.created_at >= local_day_bounds(filters.date_from)[0])
    if filters.date_to:
        query = query.where(LedgerEntry.created_at < local_day_bounds(filters.date_to)[1])
    return query


def browse(session: Session, *, actor_id: int, filters: LedgerFilter, before_id: int | None = None,
           limit: int = PAGE_SIZE) -> tuple[list[LedgerRow], int | None]:
    """One page, newest first; returns the rows and the cursor of the next page (None at the end)."""
    require_role(session, actor_id, *STAFF_READERS)
    query = filtered_query(session, filters)
    if before_id is not None:
        query = query.where(LedgerEntry.id < before_id)
    rows = [LedgerRow(entry, username) for entry, username in
            session.execute(query.order_by(LedgerEntry.id.desc()).limit(limit + 1)).all()]
    cursor = rows[limit - 1].entry.id if len(rows) > limit else None
    return rows[:limit], cursor


def count(session: Session, *, actor_id: int, filters: LedgerFilter) -> int:
    require_role(session, actor_id, *STAFF_READERS)
    return session.execute(select(func.count()).select_from(filtered_query(session, filters).subquery())
                           ).scalar_one()


def csv_row(row: LedgerRow) -> list:
    entry = row.entry
    return [entry.id, row.username, entry.seq, entry.kind, entry.points, entry.co2e_g, entry.action_code or "",
            "" if entry.quantity is None else entry.quantity, entry.claim_id or "", entry.original_entry_id or "",
            entry.reason or "", entry.created_by or "", entry.created_at.isoformat(), entry.hash]


def export_csv(session: Session, *, actor_id: int, filters: LedgerFilter,
               chunk_size: int = EXPORT_CHUNK) -> Iterator[tuple[str, int]]:
    """Yield the filtered rows as CSV text in chunks, with the number of rows written so far."""
    require_role(session, actor_id, *STAFF_READERS)
    header = io.StringIO()
    SafeWriter(header).writerow(CSV_COLUMNS)
    yield header.getvalue(), 0
    done, cursor = 0, None
    while True:
        rows, cursor = browse(session, actor_id=actor_id, filters=filters, before_id=cursor, limit=chunk_size)
        out = io.StringIO()
        SafeWriter(out).writerows(csv_row(row) for row in rows)
        done += len(rows)
        yield out.getvalue(), done
        if cursor is None:
            return


def adjust(session: Session, *, actor_id: int, username: str, points: int, reason: str, request_id: str,
           now: datetime | None = None) -> chain.Posted:
    """A manual correction: admin only, a reason is mandatory, written as an `adjust` entry and audited."""
    require_role(session, actor_id, ADMIN)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError("admin_reason_required")
    if not isinstance(points, int) or points == 0:
        raise DomainError("admin_adjust_zero")
    user_id = _user_id(session, username)
    if user_id is None:
        raise DomainError("unknown_user")
    before = chain.lock_balance(session, user_id).points
    posted = chain.post(session, user_id=user_id, kind="adjust", points=points,
                         idempotency_key=f"adjust:{request_id}", now=now, reason=reason, created_by=actor_id,
                         request={"kind": "adjust", "user_id": user_id, "points": points, "reason": reason})
    if posted.created:
        journal.record(session, actor_id=actor_id, action="ledger.adjust", target_type="user", target_id=user_id,
                     before={"points": before}, after={"points": before + points, "entry_id": posted.entry.id,
                                                       "reason": reason})
    return posted


def verify_integrity(session: Session, *, actor_id: int):
    """The same check as `manage.py verify-ledger`, for the admin console's button."""
    from points.ledger.verify import verify_ledger

    require_role(session, actor_id, *STAFF_READERS)
    return verify_ledger(session)


def resident_balance(session: Session, *, actor_id: int, username: str):
    """The Balance heading a resident's statement, or None for an unknown username."""
    require_role(session, actor_id, *STAFF_READERS)
    user_id = _user_id(session, username)
    return chain.get_balance(session, user_id) if user_id is not None else None
