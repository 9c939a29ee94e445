"""How far each fold of the ledger has got (one RollupWatermark row per fold, by name): the city rollups
("daily") and the open-data cells ("open_data") fold the same entries on their own marks."""
from sqlalchemy import select
from sqlmodel import Session, col

from db.engine import insert_for, locked
from db.models import RollupWatermark
from points.common.clock import utcnow


def lock_watermark(session: Session, *, name: str) -> RollupWatermark:
    """Create the watermark row if missing and lock it, so two refreshes never fold the same entries."""
    session.execute(insert_for(session, RollupWatermark).values(name=name, last_entry_id=0, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["name"]))
    mark = select(RollupWatermark).where(col(RollupWatermark.name) == name)
    return session.execute(locked(session, mark)).scalar_one()


def folded_up_to(session: Session, *, name: str) -> int:
    """The last ledger id this fold has counted (0 before its first refresh)."""
    row = session.get(RollupWatermark, name)
    return row.last_entry_id if row else 0


def move_watermark(mark: RollupWatermark, *, to: int, session: Session) -> None:
    mark.last_entry_id = to
    mark.updated_at = utcnow()
    session.add(mark)
