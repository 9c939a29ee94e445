"""A resident's statement: paged entries with the factor each used, their own CSV, and the home page figures.

The statement CSV is the resident's document (their entries with the factor, source, claim status and channel each
used); the auditors' export of the whole ledger is points.ledger.export.
"""
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import ActionType, Balance, Claim, LedgerEntry, Partner
from points.common.clock import local_day, local_day_bounds, utcnow, week_start
from points.common.spreadsheet import SafeWriter

PAGE_SIZE = 20
CSV_COLUMNS = ("user_id", "seq", "created_at", "kind", "action_code", "quantity", "unit", "factor_g",
               "credit_share", "catalogue_version", "source", "points", "co2e_g", "status", "claim_id",
               "original_entry_id", "reason", "idempotency_key", "prev_hash", "hash", "channel", "partner")


@dataclass(frozen=True)
class StatementRow:
    entry: LedgerEntry
    action: ActionType | None
    claim_status: str | None
    channel: str | None = None  # the claim's source: self, checkpoint, staff or partner (None: no claim)
    partner_name: str | None = None  # the partner that sent it, when channel is partner


@dataclass(frozen=True)
class StatementPage:
    rows: list[StatementRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class Summary:
    points: int
    co2e_g: int
    week_co2e_g: int
    week_points: int
    daily: list[tuple[str, int, int]]  # (local day, points, CO2e grams), oldest first


def _rows(session: Session, query) -> Iterator[StatementRow]:
    """Rows as the database hands them over, so a streamed query is never held whole in memory."""
    joined = (query.outerjoin(ActionType, col(LedgerEntry.action_type_id) == col(ActionType.id))
              .outerjoin(Claim, col(LedgerEntry.claim_id) == col(Claim.id))
              .outerjoin(Partner, col(Claim.partner_id) == col(Partner.id)))
    return (StatementRow(entry, action, status, channel, partner)
            for entry, action, status, channel, partner in session.execute(joined))


def _select_rows():
    """Each entry with its action, and the status and channel (and partner) of the claim behind it."""
    return select(LedgerEntry, ActionType, col(Claim.status), col(Claim.source), col(Partner.name))


def statement_page(session: Session, *, user_id: int, page: int = 1, page_size: int = PAGE_SIZE) -> StatementPage:
    """Newest first; a page past the end shows the last page."""
    total = session.execute(select(func.count()).select_from(LedgerEntry)
                            .where(col(LedgerEntry.user_id) == user_id)).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    query = (_select_rows().where(col(LedgerEntry.user_id) == user_id).order_by(col(LedgerEntry.seq).desc())
             .offset((page - 1) * page_size).limit(page_size))
    return StatementPage(rows=list(_rows(session, query)), page=page, pages=pages, total=total)


def seq_of_entry(session: Session, *, entry_id: int) -> int | None:
    """A reversal names its original by id; residents know entries by their seq."""
    return session.execute(select(col(LedgerEntry.seq)).where(col(LedgerEntry.id) == entry_id)).scalar_one_or_none()


def _csv_record(row: StatementRow) -> list:
    entry, action = row.entry, row.action
    return [entry.user_id, entry.seq, entry.created_at.isoformat(), entry.kind, entry.action_code or "",
            "" if entry.quantity is None else entry.quantity, action.unit if action else "",
            action.factor_g if action else "", action.credit_share if action else "",
            action.version if action else "", action.source if action else "", entry.points, entry.co2e_g,
            row.claim_status or "", entry.claim_id or "", entry.original_entry_id or "", entry.reason or "",
            entry.idempotency_key, entry.prev_hash, entry.hash, row.channel or "", row.partner_name or ""]


def statement_csv(session: Session, *, user_id: int) -> str:
    """The resident's whole statement, oldest first, as CSV text for the download button."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    query = _select_rows().where(col(LedgerEntry.user_id) == user_id).order_by(col(LedgerEntry.seq))
    writer.writerows(_csv_record(row) for row in _rows(session, query))
    return out.getvalue()


def summary(session: Session, *, user_id: int, days: int = 30, now: datetime | None = None) -> Summary:
    """Balance totals, this week's CO2e (local Monday on) and a per-day series for the last `days` days."""
    now = now or utcnow()
    today = local_day(now)
    first_day = today - timedelta(days=days - 1)
    since, _ = local_day_bounds(first_day)
    entries = session.execute(select(col(LedgerEntry.created_at), col(LedgerEntry.points), col(LedgerEntry.co2e_g))
                              .where(col(LedgerEntry.user_id) == user_id, col(LedgerEntry.created_at) >= since,
                                     col(LedgerEntry.points) > 0)).all()
    by_day: dict = {first_day + timedelta(days=i): [0, 0] for i in range(days)}
    for created_at, points, co2e_g in entries:
        bucket = by_day.get(local_day(created_at))
        if bucket is not None:
            bucket[0] += points
            bucket[1] += co2e_g
    week_points, week_co2e = session.execute(
        select(func.coalesce(func.sum(col(LedgerEntry.points)), 0), func.coalesce(func.sum(col(LedgerEntry.co2e_g)), 0))
        .where(col(LedgerEntry.user_id) == user_id, col(LedgerEntry.created_at) >= week_start(now),
               col(LedgerEntry.kind).in_(("earn", "reversal")))).one()
    balance = session.get(Balance, user_id)
    return Summary(points=balance.points if balance else 0, co2e_g=balance.co2e_g if balance else 0,
                   week_co2e_g=int(week_co2e), week_points=int(week_points),
                   daily=[(day.isoformat(), values[0], values[1]) for day, values in sorted(by_day.items())])
