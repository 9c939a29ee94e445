"""What the city's operators watch on /metrics (Prometheus): ledger entries, claims, scans, refusals, page times.

Counts are taken when the transaction commits, never before: a credit rolled back (a refusal, a lost race, a crash)
is not counted, so the counters agree with the ledger. Each portal process counts its own; Prometheus scrapes
every replica and sums.
"""
from prometheus_client import REGISTRY, Counter, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "green_egret_metrics"

LEDGER_ENTRIES = Counter("green_egret_ledger_entries", "Ledger entries written, by kind", ["kind"])
CLAIMS = Counter("green_egret_claims", "Claims recorded, by status and source", ["status", "source"])
SCANS = Counter("green_egret_checkin_scans", "Check-in scans answered, by outcome", ["outcome"])
REFUSALS = Counter("green_egret_refusals", "Requests refused with a translated message, by code", ["code"])
UNEXPECTED = Counter("green_egret_unexpected_errors", "Page runs that ended in the error boundary")
PAGE_SECONDS = Histogram("green_egret_page_seconds", "Server time of one page run", ["page"],
                         buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def count_on_commit(session: Session, counter: Counter, **labels: str) -> None:
    """Add one to `counter` when `session` commits; forget it if the transaction rolls back."""
    session.info.setdefault(_PENDING, []).append((counter, labels))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, labels in session.info.pop(_PENDING, ()):
        (counter.labels(**labels) if labels else counter).inc()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def sample(name: str, **labels: str) -> float:
    """A counter's current value in this process (0 before its first count), for /metrics readers and tests."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
