"""Ledger verification: every chain recomputed with the server secret, every balance re-added.

The chains alone cannot see a tail cut: whoever may drop the append-only triggers can delete a user's newest
entries and roll the Balance back, and every chain still verifies. `ledger_head_digest` (printed by
`manage.py ledger-head`) and the anchors of points.ledger.anchors (`ledger-head --append FILE`, checked by
`verify-ledger --against FILE`) are kept outside the database for that.
"""
import hashlib
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

from sqlalchemy import Table, select
from sqlmodel import Session, col

from db.config import get_settings
from db.models import Balance, LedgerEntry
from points.common.roles import STAFF_READERS, require_role
from points.ledger.chain import GENESIS_HASH, HASHED_FIELDS, canonical_json, fields_hash, hashed_form

STREAM_BATCH = 2000
# Plain rows, not ORM objects: verification reads every entry once and building an object each costs more than
# hashing it. The secret is read once per run too (settings come from the environment on every call).
_entry: Table = LedgerEntry.__table__  # type: ignore[attr-defined]
ENTRY_ROWS = select(*_entry.c)
# HASHED_FIELDS' values out of an ENTRY_ROWS row by position: no dict built by name per entry.
_hashed_values = itemgetter(*(list(_entry.c.keys()).index(name) for name in HASHED_FIELDS))


@dataclass(frozen=True)
class BadEntry:
    user_id: int
    seq: int
    problem: str  # missing, prev_hash, hash, negative, no_balance, balance
    detail: str = ""


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    users: int
    entries: int
    first_bad: BadEntry | None = None


def _check_chain(user_id: int, entries, balance: Balance | None, key: bytes) -> tuple[int, BadEntry | None]:
    """Walk one user's entries (rows of ENTRY_ROWS) in seq order; the first entry that breaks the chain or the
    sums is named."""
    prev_hash, points, co2e_g, count = GENESIS_HASH, 0, 0, 0
    for expected_seq, entry in enumerate(entries, start=1):
        count += 1
        if entry.seq != expected_seq:
            return count, BadEntry(user_id, expected_seq, "missing", f"found seq {entry.seq} next")
        if entry.prev_hash != prev_hash:
            return count, BadEntry(user_id, entry.seq, "prev_hash", "prev_hash differs from the previous hash")
        fields = hashed_form(dict(zip(HASHED_FIELDS, _hashed_values(entry), strict=True)))
        if fields_hash(prev_hash, fields, key) != entry.hash:
            return count, BadEntry(user_id, entry.seq, "hash",
                                   f"hash differs from the content of entry id {entry.id} (edited or renumbered)")
        points, co2e_g = points + entry.points, co2e_g + entry.co2e_g
        if points < 0:
            return count, BadEntry(user_id, entry.seq, "negative", "the running balance goes below zero")
        prev_hash = entry.hash
    if balance is None:
        return count, BadEntry(user_id, count, "no_balance", "the user has entries but no balance row")
    if (balance.points, balance.co2e_g, balance.last_seq, balance.head_hash) != (points, co2e_g, count, prev_hash):
        return count, BadEntry(user_id, balance.last_seq, "balance",
                               f"stored {balance.points} points, {balance.co2e_g} g, "
                               f"seq {balance.last_seq}; entries give {points} points, {co2e_g} g, seq {count}")
    return count, None


def verify_user(session: Session, *, user_id: int) -> VerifyReport:
    """One resident's own chain, for the receipt on the statement page."""
    entries = session.execute(ENTRY_ROWS.where(_entry.c.user_id == user_id).order_by(_entry.c.seq))
    count, bad = _check_chain(user_id, entries, session.get(Balance, user_id), get_settings().secret.encode())
    return VerifyReport(ok=bad is None, users=1, entries=count, first_bad=bad)


def verify_ledger(session: Session, *, after: int | None = None, upto: int | None = None) -> VerifyReport:
    """Every user's chain and balance (or those with after < user id <= upto); stops at the first bad entry in
    (user, seq) order."""
    def in_range(query, user_id):
        query = query.where(user_id > after) if after is not None else query
        return query.where(user_id <= upto) if upto is not None else query

    balances = {balance.user_id: balance
                for balance in session.execute(in_range(select(Balance), col(Balance.user_id))).scalars()}
    rows = session.execute(in_range(ENTRY_ROWS, _entry.c.user_id).order_by(_entry.c.user_id, _entry.c.seq)
                           .execution_options(yield_per=STREAM_BATCH))
    total, seen, key = 0, set(), get_settings().secret.encode()
    for user_id, entries in groupby(rows, key=attrgetter("user_id")):
        seen.add(user_id)
        count, bad = _check_chain(user_id, entries, balances.get(user_id), key)
        total += count
        if bad is not None:
            return VerifyReport(ok=False, users=len(seen), entries=total, first_bad=bad)
    for user_id in sorted(set(balances) - seen):
        count, bad = _check_chain(user_id, [], balances[user_id], key)
        if bad is not None:
            return VerifyReport(ok=False, users=len(seen), entries=total, first_bad=bad)
    return VerifyReport(ok=True, users=len(balances), entries=total)


def verify_integrity(session: Session, *, actor_id: int) -> VerifyReport:
    """The same check as `manage.py verify-ledger`, for the admin console's button: staff only."""
    require_role(session, actor_id, *STAFF_READERS)
    return verify_ledger(session)


def ledger_head_digest(session: Session) -> str:
    """SHA-256 over every user's (id, last seq, head hash), in user order."""
    heads = session.execute(select(col(Balance.user_id), col(Balance.last_seq), col(Balance.head_hash))
                            .where(col(Balance.last_seq) > 0).order_by(col(Balance.user_id))).all()
    return hashlib.sha256(canonical_json([list(head) for head in heads]).encode()).hexdigest()
