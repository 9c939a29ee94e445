"""The settled head of the ledger: the highest entry id below which no transaction is still writing.

It belongs to the ledger because only the ledger knows how ids are handed out (points.ledger.chain.next_entry_id);
the anchors and the city rollups both read up to it.
"""
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from db.engine import get_engine, is_sqlite
from db.models import LedgerEntry


def committed_max_id() -> int:
    """The highest ledger id below which no transaction is still writing.

    PostgreSQL hands out ids before commit, so id 100 can appear after id 101: a short SHARE lock waits for
    writers in flight, after which every id up to max(id) is settled. SQLite writers are serial already.
    The lock is taken by a function with the owner's rights (0005): the portal's role may not lock the ledger.
    """
    engine = get_engine()
    with Session(engine) as session, session.begin():
        if not is_sqlite(engine):
            session.execute(text("SELECT green_egret_settle_ledger()"))
        return session.execute(select(func.coalesce(func.max(col(LedgerEntry.id)), 0))).scalar_one()
