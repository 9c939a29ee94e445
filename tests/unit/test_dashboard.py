"""The city dashboard reads rollups: CO2e by action, category, district and month, the points liability,
active residents, busiest checkpoints, and open data with no personal data."""
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import read_session, write_session
from db.models import ActionType, CheckIn, Checkpoint
from points.ledger.chain import post
from points.reports.dashboard import city_dashboard, open_data_csv
from points.reports.rollups import refresh_rollups
from tests.support.ledger import credit

NOW = datetime(2026, 3, 20, 4, 0, tzinfo=UTC)


def add_action(code: str, category: str) -> None:
    with write_session() as session:
        session.add(ActionType(code=code, category=category, name_zh=code, name_en=code, unit="km"))


def redeem(user_id: int, points: int, key: str) -> None:
    with write_session() as session:
        post(session, user_id=user_id, kind="redeem", points=-points, idempotency_key=key, request={"p": points},
             now=NOW)


@pytest.fixture
def city(make_user):
    add_action("metro", "trip")
    add_action("paper", "waste")
    rita, bob = make_user("rita", district="思明"), make_user("bob", district="湖里")
    make_user("idle")
    credit(rita.id, 1000, now=datetime(2026, 2, 10, 4, 0, tzinfo=UTC))
    credit(rita.id, 500, action_code="paper", now=NOW)
    credit(bob.id, 300, now=NOW)
    redeem(rita.id, 400, "redeem:1")
    return rita, bob, make_user("boss", role="admin")


def test_the_dashboard_shows_the_city_figures(city):
    _, _, admin = city
    refresh_rollups()
    with read_session() as session:
        data = city_dashboard(session, actor_id=admin.id, now=NOW)
    assert data.co2e_by_action == [("metro", 1300), ("paper", 500)]
    assert data.co2e_by_category == [("trip", 1300), ("waste", 500)]
    assert data.co2e_by_district == [("思明", 1500), ("湖里", 300)]
    assert data.co2e_by_month == [("2026-02", 1000), ("2026-03", 800)]
    assert (data.points.issued, data.points.redeemed, data.points.outstanding) == (1800, 400, 1400)
    assert data.points.redemption_rate == pytest.approx(400 / 1800)
    assert data.active_residents == 2


def test_active_residents_count_only_the_last_30_days(city):
    _, _, admin = city
    with read_session() as session:
        assert city_dashboard(session, actor_id=admin.id, now=NOW + timedelta(days=31)).active_residents == 0


def test_the_dashboard_reads_rollups_not_the_ledger(city):
    rita, _, admin = city
    refresh_rollups()
    credit(rita.id, 99, now=NOW)
    with read_session() as session:
        assert city_dashboard(session, actor_id=admin.id, now=NOW).points.issued == 1800
    refresh_rollups()
    with read_session() as session:
        assert city_dashboard(session, actor_id=admin.id, now=NOW).points.issued == 1899


def test_busiest_checkpoints_come_first(city):
    rita, bob, admin = city
    with write_session() as session:
        quiet, busy = (Checkpoint(kind="station", title_zh=name, title_en=name, starts_at=NOW, ends_at=NOW)
                       for name in ("Quiet", "Busy"))
        session.add_all([quiet, busy])
        session.flush()
        session.add_all([CheckIn(checkpoint_id=busy.id, user_id=user.id, period=day)
                         for user in (rita, bob) for day in ("d1", "d2")])
        session.add(CheckIn(checkpoint_id=quiet.id, user_id=rita.id, period="d1"))
    with read_session() as session:
        busiest = city_dashboard(session, actor_id=admin.id).busiest_checkpoints
    assert [(title, visits) for _, _, title, visits in busiest] == [("Busy", 4), ("Quiet", 1)]


def test_open_data_has_totals_and_no_personal_data(city):
    _, _, admin = city
    refresh_rollups()
    with read_session() as session:
        text = open_data_csv(session, actor_id=admin.id)
    lines = text.strip().splitlines()
    assert lines[0] == "month,district,action_code,category,kind,entries,points,co2e_g"
    assert "2026-03,思明,paper,waste,earn,1,500,500" in lines
    assert "2026-03,思明,,,redeem,1,-400,0" in lines
    assert not any(name in text for name in ("rita", "bob", "Rita", "Bob", "idle"))
