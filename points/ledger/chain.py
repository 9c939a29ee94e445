"""The append-only, hash-chained point ledger: the single place where points change.

Every write locks the user's Balance row, appends one LedgerEntry whose hash chains to the previous one,
and updates the Balance in the same transaction. A repeated idempotency key returns the first entry.
The entry's own id is hashed too: appeals, reversals and receipts point at entries by id, so renumbering ids
(even consistently, references included) breaks the chain. Entries written before the id was hashed no longer
verify; there was no production data then, so such a database is re-seeded, not carried over (no hash versions).
"""
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from db.config import get_settings
from db.driver_statement import DriverStatement
from db.models import Balance, LedgerEntry
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.metrics import LEDGER_ENTRIES, count_on_commit

GENESIS_HASH = "0" * 64
MAX_ENTRY_POINTS = 10_000_000
# give: points a resident gave to a public project (negative), or gave back when it was cancelled (positive, naming
# the gift's entry). Neither is earned (leaderboards, week totals) nor a reward redemption (points.projects).
KINDS = ("earn", "redeem", "reversal", "adjust", "expire", "give")

HASHED_FIELDS = ("id", "user_id", "seq", "kind", "points", "co2e_g", "action_code", "action_type_id", "quantity",
                 "claim_id", "redemption_id", "checkin_id", "original_entry_id", "reason", "created_by",
                 "created_at", "idempotency_key", "request_digest")


class Totals(NamedTuple):
    points: int
    last_seq: int
    head_hash: str


@dataclass(frozen=True)
class Posted:
    entry: LedgerEntry
    created: bool


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json(values: dict | list) -> str:
    """One encoder built once: json.dumps with options builds a new one per call, on every credit."""
    return _CANONICAL.encode(values)


def request_digest(request: dict) -> str:
    """What the caller asked for, so a reused key with other content is told apart from a retry."""
    return hashlib.sha256(canonical_json(request).encode()).hexdigest()


def entry_fields(entry: LedgerEntry | dict) -> dict:
    """The hashed fields of a stored entry or of the column values about to be inserted."""
    read: Callable[[str], Any] = entry.get if isinstance(entry, dict) else partial(getattr, entry)
    return hashed_form({name: read(name) for name in HASHED_FIELDS})


def hashed_form(values: dict) -> dict:
    """HASHED_FIELDS' values (a new dict, changed in place) as the hash reads them: the time to the microsecond,
    the quantity by repr, whatever type the database handed back."""
    values["created_at"] = values["created_at"].isoformat(timespec="microseconds")
    if values["quantity"] is not None:
        values["quantity"] = repr(float(values["quantity"]))
    return values


def fields_hash(prev_hash: str, fields: dict, key: bytes) -> str:
    """The chain hash of fields already in hashed_form, with the secret as bytes: verify-ledger's loop."""
    return hmac.digest(key, (prev_hash + canonical_json(fields)).encode(), "sha256").hex()


def chain_hash(prev_hash: str, entry: LedgerEntry | dict, secret: str | None = None) -> str:
    return fields_hash(prev_hash, entry_fields(entry), (secret or get_settings().secret).encode())


def open_balance(session: Session, *, user_id: int) -> Balance:
    """Create the user's empty Balance (the lock row); called once when the user is created."""
    balance = Balance(user_id=user_id, head_hash=GENESIS_HASH)
    session.add(balance)
    return balance


def lock_balance(session: Session, *, user_id: int) -> Totals:
    """Take the per-user lock (FOR UPDATE on PostgreSQL; SQLite already holds BEGIN IMMEDIATE) and return
    the balance's figures. Every write that reads before it posts takes this first, so two cannot interleave."""
    connection = session.connection()
    query = READ_TOTALS if connection.dialect.name == "sqlite" else READ_TOTALS_FOR_UPDATE
    rows = query.rows(connection, {"user": user_id})
    if not rows:
        raise DomainError("unknown_user")
    return Totals(*rows[0])


def next_entry_id(connection) -> int:
    """The id of the entry about to be inserted, known before it is hashed (the id is in the hash).

    SQLite: the writer holds BEGIN IMMEDIATE, ids are rowids without AUTOINCREMENT and no row is ever deleted
    (append-only triggers), so max(id) + 1 is the id SQLite itself would pick and no other writer can take it.
    PostgreSQL: nextval of the id's sequence, after taking the ROW EXCLUSIVE lock an INSERT takes anyway: a
    SHARE lock (points.ledger.settled.committed_max_id, used by the ledger anchors and the rollups) then still waits
    for every writer that holds an id, so every id up to a settled max(id) is final.
    """
    if connection.dialect.name == "sqlite":
        return NEXT_ROWID.rows(connection, {})[0][0]
    LOCK_FOR_APPEND.rows(connection, {})
    return NEXT_SERIAL.rows(connection, {})[0][0]


def find_by_key(session: Session, *, idempotency_key: str) -> LedgerEntry | None:
    """A plain id lookup first: on the hot path the key is new and no ORM object is needed."""
    entry_id = session.connection().execute(FIND_ID_BY_KEY, {"key": idempotency_key}).scalar_one_or_none()
    return session.get(LedgerEntry, entry_id) if entry_id is not None else None


def replay(existing: LedgerEntry, digest: str) -> Posted:
    """A key's outcome is final: the same request gets the first entry, another request is a conflict."""
    if existing.request_digest != digest:
        raise DomainError("idempotency_conflict")
    return Posted(existing, False)


def post(session: Session, *, user_id: int, kind: str, points: int, idempotency_key: str, request: dict,
         co2e_g: int = 0, now: datetime | None = None, action_code: str | None = None,
         action_type_id: int | None = None, quantity: float | None = None, claim_id: int | None = None,
         redemption_id: int | None = None, checkin_id: int | None = None, original_entry_id: int | None = None,
         reason: str | None = None, created_by: int | None = None) -> Posted:
    """Append one entry for `user_id` inside the caller's transaction; the caller commits.

    The optional LedgerEntry columns are named one by one, so a misspelt one is a TypeError, not a column
    silently left empty (and hashed as empty).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if not isinstance(points, int) or abs(points) > MAX_ENTRY_POINTS:
        raise DomainError("points_out_of_range")
    digest = request_digest(request)
    connection = session.connection()  # the session's own transaction, without ORM work per statement
    balance = lock_balance(session, user_id=user_id)
    if balance.points + points < 0:
        existing = find_by_key(session, idempotency_key=idempotency_key)
        if existing is not None:
            return replay(existing, digest)
        raise DomainError("insufficient_points", balance=balance.points, needed=-points)
    values: dict[str, Any] = {
        "id": next_entry_id(connection), "user_id": user_id, "seq": balance.last_seq + 1, "kind": kind,
        "points": points, "co2e_g": co2e_g, "action_code": action_code, "action_type_id": action_type_id,
        "quantity": quantity, "claim_id": claim_id, "redemption_id": redemption_id, "checkin_id": checkin_id,
        "original_entry_id": original_entry_id, "reason": reason, "created_by": created_by,
        "idempotency_key": idempotency_key, "request_digest": digest, "prev_hash": balance.head_hash,
        "created_at": (now or utcnow()).astimezone(UTC)}
    values["hash"] = chain_hash(balance.head_hash, values)
    inserted = INSERT_NEW_KEY.rows(connection, values)
    if not inserted:  # the key is taken: nothing was written and the first outcome stands
        existing = find_by_key(session, idempotency_key=idempotency_key)
        assert existing is not None  # ON CONFLICT DO NOTHING wrote nothing: the row holding the key exists
        return replay(existing, digest)
    ADD_TO_BALANCE.rows(connection, {"user": user_id, "add_points": points, "add_co2e": co2e_g,
                                     "seq": values["seq"], "head": values["hash"], "at": values["created_at"]})
    _forget_loaded_balance(session, user_id)
    count_on_commit(session, LEDGER_ENTRIES, kind=kind)
    return Posted(LedgerEntry.model_construct(**values), True)


# The hottest write path (bench/ledger.py): compiled once per dialect, run without per-call bookkeeping.
# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
_entry: Table = LedgerEntry.__table__  # type: ignore[attr-defined]
_balance_table: Table = Balance.__table__  # type: ignore[attr-defined]
_balance = _balance_table.c


def _insert_new_key(dialect: Dialect):
    """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: no row back means a replay."""
    dialect_insert = sqlite_insert if dialect.name == "sqlite" else postgresql_insert
    return (dialect_insert(_entry).values({column.name: bindparam(column.name) for column in _entry.c})
            .on_conflict_do_nothing(index_elements=[_entry.c.idempotency_key]).returning(_entry.c.id))


INSERT_NEW_KEY = DriverStatement(_insert_new_key)
NEXT_ROWID = DriverStatement(text(f"SELECT coalesce(max(id), 0) + 1 FROM {_entry.name}"))
LOCK_FOR_APPEND = DriverStatement(text(f"LOCK TABLE {_entry.name} IN ROW EXCLUSIVE MODE"))
NEXT_SERIAL = DriverStatement(text(f"SELECT nextval(pg_get_serial_sequence('{_entry.name}', 'id'))"))
ADD_TO_BALANCE = DriverStatement(
    update(_balance_table).where(_balance.user_id == bindparam("user"))
    .values(points=_balance.points + bindparam("add_points"), co2e_g=_balance.co2e_g + bindparam("add_co2e"),
            last_seq=bindparam("seq"), head_hash=bindparam("head"), updated_at=bindparam("at")))
_read_totals = select(_balance.points, _balance.last_seq, _balance.head_hash).where(
    _balance.user_id == bindparam("user"))
READ_TOTALS = DriverStatement(_read_totals)
READ_TOTALS_FOR_UPDATE = DriverStatement(_read_totals.with_for_update())
FIND_ID_BY_KEY = select(_entry.c.id).where(_entry.c.idempotency_key == bindparam("key"))


def _forget_loaded_balance(session: Session, user_id: int) -> None:
    """A Balance the caller loaded earlier in this session is now stale: reload it on next access."""
    loaded = session.identity_map.get(session.identity_key(Balance, user_id))
    if loaded is not None:
        session.expire(loaded)

