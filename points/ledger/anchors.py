"""Anchors of the ledger kept outside the database, so a cut tail or renumbered ids cannot pass unseen.

Whoever may drop the append-only triggers can delete a user's newest entries and roll the Balance back: every
chain still verifies. An anchor (`manage.py ledger-head --append FILE`, one JSON line) records, for every entry
up to the highest settled id, how many there were and a running SHA-256 over "id:hash" in id order; the
operator keeps the file where the database's writers cannot reach. The digest of a prefix is a state of the
same running hash, so `verify-ledger --against FILE` checks every anchor of the file in one pass in id order:
linear in the entries however many anchors there are. Entries added after an anchor do not touch it.
"""
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.engine import read_session
from db.models import LedgerEntry
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.ledger.settled import committed_max_id
from points.ledger.verify import STREAM_BATCH, ledger_head_digest

DIGEST_CHARS = 64


@dataclass(frozen=True)
class Anchor:
    at: str  # when it was taken, UTC, e.g. 2026-12-01T10:00:05Z
    entries: int  # how many entries have an id up to last_id
    last_id: int
    digest: str  # SHA-256 over "id:hash\n" of those entries in id order
    heads: str  # ledger_head_digest at that moment: what `ledger-head` printed then, to compare with copies kept


@dataclass(frozen=True)
class BrokenAnchor:
    line: int  # the anchor's line in the file, from 1
    anchor: Anchor
    problem: str


def _entry_line(entry_id: int, entry_hash: str) -> bytes:
    """The id goes in with the hash, so renumbering is caught even where the chain would not see it."""
    return f"{entry_id}:{entry_hash}\n".encode()


def _entries_up_to(session: Session, last_id: int):
    return session.execute(select(col(LedgerEntry.id), col(LedgerEntry.hash)).where(col(LedgerEntry.id) <= last_id)
                           .order_by(col(LedgerEntry.id)).execution_options(yield_per=STREAM_BATCH))


def anchor_up_to(session: Session, *, last_id: int, now: datetime) -> Anchor:
    """The anchor of every entry up to `last_id`, which must be settled (no writer may still hold a lower id)."""
    running, count = hashlib.sha256(), 0
    for entry_id, entry_hash in _entries_up_to(session, last_id):
        running.update(_entry_line(entry_id, entry_hash))
        count += 1
    return Anchor(at=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), entries=count, last_id=last_id,
                  digest=running.hexdigest(), heads=ledger_head_digest(session))


def take_anchor(*, now: datetime | None = None) -> Anchor:
    """Settle the ids first (PostgreSQL hands them out before commit), then read up to the settled max."""
    last_id = committed_max_id()
    with read_session() as session:
        return anchor_up_to(session, last_id=last_id, now=now or utcnow())


def anchor_line(anchor: Anchor) -> str:
    return json.dumps(asdict(anchor), ensure_ascii=False)


def _parse_line(text: str) -> Anchor:
    values = json.loads(text)
    if not isinstance(values, dict) or set(values) != {field.name for field in fields(Anchor)}:
        raise ValueError("not an anchor")
    anchor = Anchor(**values)
    counts_ok = all(isinstance(value, int) and value >= 0 for value in (anchor.entries, anchor.last_id))
    digests_ok = all(isinstance(value, str) and len(value) == DIGEST_CHARS for value in (anchor.digest, anchor.heads))
    if not (counts_ok and digests_ok and isinstance(anchor.at, str)):
        raise ValueError("not an anchor")
    return anchor


def read_anchors(lines: Iterable[str]) -> list[tuple[int, Anchor]]:
    """(line number, anchor) for each non-blank line; a line that is no anchor is refused, naming it."""
    anchors = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            anchors.append((number, _parse_line(text)))
        except (ValueError, TypeError):
            raise DomainError("ledger_anchor_unreadable", line=number) from None
    if not anchors:
        raise DomainError("ledger_anchor_none")
    return anchors


def _entries_were(count: int) -> str:
    return "1 entry was" if count == 1 else f"{count} entries were"


def _problem(anchor: Anchor, count: int, digest: str) -> str | None:
    if count < anchor.entries:
        return f"{_entries_were(anchor.entries - count)} deleted or renumbered up to id {anchor.last_id}"
    if count > anchor.entries:
        return f"{_entries_were(count - anchor.entries)} added or renumbered up to id {anchor.last_id}"
    if digest != anchor.digest:
        return f"the entries up to id {anchor.last_id} were changed, reordered or renumbered"
    return None


def check_anchors(session: Session, *, anchors: list[tuple[int, Anchor]]) -> BrokenAnchor | None:
    """One pass over the entries in id order; the first anchor (by id) that no longer holds, or None."""
    if not anchors:
        return None
    pending = sorted(anchors, key=lambda numbered: numbered[1].last_id)
    running, count, next_anchor = hashlib.sha256(), 0, 0

    def settle_up_to(entry_id: float) -> BrokenAnchor | None:
        nonlocal next_anchor
        while next_anchor < len(pending) and pending[next_anchor][1].last_id < entry_id:
            line, anchor = pending[next_anchor]
            problem = _problem(anchor, count, running.hexdigest())
            if problem is not None:
                return BrokenAnchor(line, anchor, problem)
            next_anchor += 1
        return None

    for entry_id, entry_hash in _entries_up_to(session, pending[-1][1].last_id):
        broken = settle_up_to(entry_id)
        if broken is not None:
            return broken
        running.update(_entry_line(entry_id, entry_hash))
        count += 1
    return settle_up_to(float("inf"))
