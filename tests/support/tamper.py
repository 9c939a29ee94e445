"""Rewrite the ledger behind the portal's back, as whoever holds the database file or the tables' owner can.

SQLite: anyone with the file drops the append-only triggers. PostgreSQL: the owner may DISABLE TRIGGER USER;
the test superuser goes one step further (replica mode: no triggers and no foreign key checks), which
renumbering ids together with their references needs.
"""
import sqlite3

from sqlalchemy import text
from sqlmodel import select

from db.engine import engine_for, read_session
from db.models import LedgerEntry
from points.ledger.chain import GENESIS_HASH, chain_hash
from tests.conftest import TEST_SECRET, on_postgres

Statement = str | tuple[str, dict]


def tamper(database: str, *statements: Statement) -> None:
    """Run `statements` (SQL, or SQL and its :named parameters) in one transaction, past every guard."""
    pairs = [(statement, {}) if isinstance(statement, str) else statement for statement in statements]
    if on_postgres():
        with engine_for(database).begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for sql, params in pairs:
                connection.execute(text(sql), params)
        return
    connection = sqlite3.connect(database.removeprefix("sqlite:///"))
    connection.execute("PRAGMA foreign_keys=OFF")
    connection.execute("DROP TRIGGER IF EXISTS ledgerentry_no_update")
    connection.execute("DROP TRIGGER IF EXISTS ledgerentry_no_delete")
    for sql, params in pairs:
        connection.execute(sql, params)
    connection.commit()
    connection.close()


def roll_balance_back(user_id: int) -> Statement:
    """The Balance made to agree with whatever entries the user has left, so the chains verify again."""
    return ("UPDATE balance SET "
            "points = (SELECT coalesce(sum(points), 0) FROM ledgerentry WHERE user_id = :user), "
            "co2e_g = (SELECT coalesce(sum(co2e_g), 0) FROM ledgerentry WHERE user_id = :user), "
            "last_seq = (SELECT coalesce(max(seq), 0) FROM ledgerentry WHERE user_id = :user), "
            "head_hash = coalesce((SELECT hash FROM ledgerentry WHERE user_id = :user ORDER BY seq DESC LIMIT 1), "
            f"'{GENESIS_HASH}') WHERE user_id = :user", {"user": user_id})


def rehash_with_the_secret() -> list[Statement]:
    """Every chain recomputed over the entries as they now are, as someone holding the server secret would."""
    with read_session() as session:
        entries = session.execute(select(LedgerEntry).order_by(LedgerEntry.user_id, LedgerEntry.seq)).scalars().all()
    statements, heads = [], {}
    for entry in entries:
        prev_hash = heads.get(entry.user_id, GENESIS_HASH)
        heads[entry.user_id] = chain_hash(prev_hash, entry, secret=TEST_SECRET)
        statements.append(("UPDATE ledgerentry SET prev_hash = :prev, hash = :hash WHERE id = :id",
                           {"prev": prev_hash, "hash": heads[entry.user_id], "id": entry.id}))
    statements += [("UPDATE balance SET head_hash = :head WHERE user_id = :user", {"head": head, "user": user})
                   for user, head in heads.items()]
    return statements
