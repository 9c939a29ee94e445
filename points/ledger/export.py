"""The one ledger export, for the city's auditors: `manage.py export-ledger` (the whole ledger) and the staff
download `/admin/ledger.csv` (the browser's filters) write the same columns from the same row builder.

The columns are what an auditor needs to check an entry without the portal:
- `id`, `user_id`, `username`, `seq`: which entry, whose (the id the chains and anchors use, the name people
  use), and its place in the owner's chain;
- `kind`, `points`, `co2e_g`: what it did to the balance and to the city's CO2e figures;
- `action_code`, `quantity`, `unit`, `factor_g`, `credit_share`, `catalogue_version`: the action and the
  catalogue version it was credited by, so points can be recomputed from the cited factor as it stood then;
- `claim_id`, `redemption_id`, `checkin_id`, `original_entry_id`: the record it came from, and for a reversal
  the entry it undoes;
- `reason`, `created_by`: why and by whom, for manual adjustments and reviews;
- `created_at` (ISO 8601, UTC), `idempotency_key`, `prev_hash`, `hash`: when, under which key, and the chain
  links, so `verify-ledger`'s verdict can be re-checked from the file (with the server secret).
Rows come oldest first (ascending id: the order entries were written and the anchors digest them), read in
keyset chunks so memory stays flat at any size, and every cell goes through SafeWriter.
"""
import io
from collections.abc import Iterator, Sequence
from typing import Any

from sqlmodel import Session, col

from db.models import ActionType, LedgerEntry
from points.common.roles import STAFF_READERS, require_role
from points.common.spreadsheet import SafeWriter
from points.ledger.browser import LedgerFilter, filtered_query

EXPORT_CHUNK = 5_000
CSV_COLUMNS = ("id", "user_id", "username", "seq", "kind", "points", "co2e_g", "action_code", "quantity", "unit",
               "factor_g", "credit_share", "catalogue_version", "claim_id", "redemption_id", "checkin_id",
               "original_entry_id", "reason", "created_by", "created_at", "idempotency_key", "prev_hash", "hash")
_ACTION_COLUMNS = (col(ActionType.unit), col(ActionType.factor_g), col(ActionType.credit_share),
                   col(ActionType.version))


def _blank(value: Any) -> Any:
    return "" if value is None else value


def csv_row(entry: LedgerEntry, username: str, action: Sequence[Any]) -> list:
    """One entry as the export's cells; `action` is (unit, factor_g, credit_share, version) or all None."""
    return [entry.id, entry.user_id, username, entry.seq, entry.kind, entry.points, entry.co2e_g,
            *map(_blank, (entry.action_code, entry.quantity, *action, entry.claim_id, entry.redemption_id,
                          entry.checkin_id, entry.original_entry_id, entry.reason, entry.created_by)),
            entry.created_at.isoformat(), entry.idempotency_key, entry.prev_hash, entry.hash]


def _chunk_after(session: Session, *, filters: LedgerFilter, after_id: int, limit: int) -> list:
    query = (filtered_query(session, filters=filters).add_columns(*_ACTION_COLUMNS)
             .outerjoin(ActionType, col(ActionType.id) == col(LedgerEntry.action_type_id))
             .where(col(LedgerEntry.id) > after_id).order_by(col(LedgerEntry.id)).limit(limit))
    return list(session.execute(query).all())


def ledger_csv(session: Session, *, filters: LedgerFilter | None = None,
               chunk_size: int = EXPORT_CHUNK) -> Iterator[tuple[str, int]]:
    """Yield the header, then the (filtered) entries as CSV text in chunks, each with the rows written so far.

    No role check: the operator's command line runs with the database's own rights; staff go through
    `export_csv`."""
    filters = filters or LedgerFilter()
    header = io.StringIO()
    SafeWriter(header).writerow(CSV_COLUMNS)
    yield header.getvalue(), 0
    done, after_id = 0, 0
    while True:
        rows = _chunk_after(session, filters=filters, after_id=after_id, limit=chunk_size + 1)
        page = rows[:chunk_size]
        out = io.StringIO()
        SafeWriter(out).writerows(csv_row(entry, username, action) for entry, username, *action in page)
        done += len(page)
        yield out.getvalue(), done
        if len(rows) <= chunk_size:
            return
        after_id = page[-1][0].id


def export_csv(session: Session, *, actor_id: int, filters: LedgerFilter,
               chunk_size: int = EXPORT_CHUNK) -> Iterator[tuple[str, int]]:
    """The staff download: admins and auditors only, checked before the first byte."""
    require_role(session, actor_id, *STAFF_READERS)
    yield from ledger_csv(session, filters=filters, chunk_size=chunk_size)
