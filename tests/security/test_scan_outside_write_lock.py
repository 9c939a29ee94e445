"""The anomaly scan (four detectors over the ledger, claims and check-ins) runs while SQLite's write lock is
free, so opening the review queue or the nightly refresh-rollups never stalls a credit; flags are still
written once per incident, even when two admins scan at the same moment."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read_session
from db.models import AnomalyFlag
from points.common.clock import utcnow
from points.review import anomalies
from tests.conftest import on_postgres
from tests.support.ledger import credit
from tests.support.lock_probe import calls_under_lock
from tests.support.race import run_together

sqlite_only = pytest.mark.skipif(on_postgres(), reason="the probe asks SQLite's file lock; PostgreSQL has none")


class Probe:
    """Every detector wrapped so each call records whether the write lock was held."""

    def __init__(self, monkeypatch, database_url: str):
        self.records = [calls_under_lock(monkeypatch, database_url, anomalies, detector.__name__)
                        for detector in anomalies.DETECTORS]
        monkeypatch.setattr(anomalies, "DETECTORS", tuple(getattr(anomalies, detector.__name__)
                                                          for detector in anomalies.DETECTORS))

    @property
    def seen(self) -> list[bool]:
        return [held for record in self.records for held in record]


def busy_resident(make_user) -> int:
    """Twenty credits within the hour: one many_entries incident."""
    rita = make_user("rita")
    now = utcnow()
    for minute in range(anomalies.BURST_ENTRIES):
        credit(rita.id, 5, now=now - timedelta(minutes=minute))
    return rita.id


def flags() -> list[tuple[str, int | None]]:
    with read_session() as session:
        return [(flag.kind, flag.user_id) for flag in session.execute(select(AnomalyFlag)).scalars()]


@sqlite_only
def test_opening_the_review_queue_scans_without_the_write_lock(make_user, database, monkeypatch, open_page):
    rita = busy_resident(make_user)
    admin = make_user("boss", role="admin")
    locks = Probe(monkeypatch, database)
    app = open_page("pages/admin/review.py", admin)
    assert not app.exception
    assert locks.seen == [False] * len(anomalies.DETECTORS)
    assert flags() == [("many_entries", rita)]
    assert "Anomaly flags (1)" in [element.value for element in app.subheader]


@sqlite_only
def test_refresh_rollups_scans_without_the_write_lock(make_user, database, monkeypatch):
    import manage

    rita = busy_resident(make_user)
    locks = Probe(monkeypatch, database)
    assert manage.cmd_refresh_rollups(None).endswith("anomaly flags: 1 new")
    assert locks.seen == [False] * len(anomalies.DETECTORS)
    assert flags() == [("many_entries", rita)]


def test_a_second_scan_adds_nothing(make_user):
    rita = busy_resident(make_user)
    assert anomalies.raise_flags() == 1
    assert anomalies.raise_flags() == 0
    assert flags() == [("many_entries", rita)]


def scan() -> int:
    return anomalies.raise_flags()


def test_two_admins_scanning_at_once_flag_the_incident_once(make_user, database):
    rita = busy_resident(make_user)
    outcomes = run_together(scan, [()] * 3, database)
    assert sorted(outcomes) == [("ok", 0), ("ok", 0), ("ok", 1)], outcomes
    assert flags() == [("many_entries", rita)]
