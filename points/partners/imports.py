"""CSV files from partners without an API (python manage.py import-partner): the same outcomes as the API,
row by row, so a file and a batch of the same events credit the same and a re-run is all duplicates.

The file is parsed before any transaction opens (no parsing under SQLite's write lock); then each chunk of
MAX_BATCH rows is one write transaction through ingest_events. A dry run runs every chunk in one transaction
that is rolled back: it shows what would happen (caps and in-file repeats across chunks included) and writes
nothing, at the price of holding the write lock for the whole file.
"""
import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from db.engine import get_engine, write_session
from points.common.errors import DomainError
from points.partners.events import MAX_BATCH, PartnerEventIn, ingest_events

COLUMNS = ("id", "subject", "action", "quantity", "occurred_at")
FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet numbers it


@dataclass(frozen=True)
class ImportRow:
    """A row's outcome; problem says what was malformed when it never reached ingest_events."""

    row: int
    id: str
    outcome: str
    points: int = 0
    problem: str | None = None


@dataclass(frozen=True)
class ParsedFile:
    events: list[tuple[int, PartnerEventIn]]  # (row number, event)
    malformed: list[ImportRow]


def _parse_row(values: dict) -> PartnerEventIn:
    """ValueError naming the bad field."""
    if None in values or any(values.get(column) is None for column in COLUMNS):
        raise ValueError("wrong number of fields")
    try:
        quantity = float(values["quantity"])
    except ValueError:
        raise ValueError("quantity is not a number") from None
    try:
        occurred_at = datetime.fromisoformat(values["occurred_at"].strip())
    except ValueError:
        raise ValueError("occurred_at is not an ISO 8601 time") from None
    return PartnerEventIn(id=values["id"].strip(), subject=values["subject"].strip(), action=values["action"].strip(),
                          quantity=quantity, occurred_at=occurred_at)


def read_events_csv(lines: Iterable[str]) -> ParsedFile:
    """Every row as an event or, when malformed, as an "invalid" outcome with its row number.

    DomainError("partner_import_columns") when the header lacks a column."""
    reader = csv.DictReader(lines)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise DomainError("partner_import_columns", missing=", ".join(missing), expected=",".join(COLUMNS))
    parsed = ParsedFile(events=[], malformed=[])
    for row, values in enumerate(reader, start=FIRST_DATA_ROW):
        try:
            parsed.events.append((row, _parse_row(values)))
        except ValueError as problem:
            parsed.malformed.append(ImportRow(row=row, id=(values.get("id") or "").strip(), outcome="invalid",
                                              problem=str(problem)))
    return parsed


@contextmanager
def _rolled_back() -> Iterator[Session]:
    """A write transaction that never commits."""
    with Session(get_engine(), expire_on_commit=False) as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


def _chunks(events: list[tuple[int, PartnerEventIn]]) -> Iterator[list[tuple[int, PartnerEventIn]]]:
    for start in range(0, len(events), MAX_BATCH):
        yield events[start:start + MAX_BATCH]


def _ingest_chunk(session: Session, *, partner_id: int, chunk: list[tuple[int, PartnerEventIn]],
                  now: datetime | None) -> list[ImportRow]:
    outcomes = ingest_events(session, partner_id=partner_id, events=[event for _, event in chunk], now=now)
    return [ImportRow(row=row, id=event.id, outcome=outcome.outcome, points=outcome.points)
            for (row, event), outcome in zip(chunk, outcomes, strict=True)]


def import_events(parsed: ParsedFile, *, partner_id: int, dry_run: bool = False,
                  progress: Callable[[int], None] = lambda done: None,
                  now: datetime | None = None) -> list[ImportRow]:
    """Ingest the parsed rows in chunks (one transaction each, or one rolled back for a dry run); every row's
    outcome by row number. progress(rows done) after each chunk."""
    results = list(parsed.malformed)
    done = len(parsed.malformed)
    with _rolled_back() if dry_run else nullcontext() as shared:
        for chunk in _chunks(parsed.events):
            with nullcontext(shared) if shared is not None else write_session() as session:
                results += _ingest_chunk(session, partner_id=partner_id, chunk=chunk, now=now)
            done += len(chunk)
            progress(done)
    return sorted(results, key=lambda result: result.row)
