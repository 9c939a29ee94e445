"""The public landing sells the idea: the city's CO2e in g/kg/t with an everyday comparison, a month chart with
its sentence and table, the next few events with date and place, in English and Chinese (AppTest through app.py;
the map's markers are checked in Chromium, tests/browser/test_landing.py)."""
from datetime import UTC, datetime, time, timedelta

import pytest
from babel.dates import format_skeleton

from db.engine import write_session
from points.common.clock import city_zone, local_day, utcnow
from points.places.registry import load_places
from tests.support.checkin import load_city, make_checkpoint
from tests.support.ledger import credit

pytestmark = pytest.mark.timeout(180)
LANDING = "pages/public/landing.py"


@pytest.fixture(autouse=True)
def city():
    load_city()
    with write_session() as session:
        load_places(session)


def this_month_at_noon() -> datetime:
    """Noon on the 1st of this month in the city (its month, not UTC's, decides the chart)."""
    return datetime.combine(local_day(utcnow()).replace(day=1), time(12), tzinfo=city_zone())


def events(organizer_id: int, count: int) -> None:
    soon = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    for number in range(count):
        make_checkpoint(organizer_id, title_zh=f"海滩清洁 {number + 1}", title_en=f"Beach clean-up {number + 1}",
                        place_id="zhongshan_park", starts_at=soon + timedelta(days=number),
                        ends_at=soon + timedelta(days=number, hours=3))


@pytest.fixture
def busy_city(make_user):
    rita = make_user("rita", district="思明")
    month = this_month_at_noon()
    last_month = (month - timedelta(days=1)).replace(day=1)  # noon on the 1st of last month
    credit(rita.id, 100, co2e_g=1_800_000, now=last_month)
    credit(rita.id, 100, co2e_g=700_000, now=month)
    events(make_user("olga", role="organizer").id, 4)
    return month, last_month


def english_month(day: datetime) -> str:
    return format_skeleton("yMMM", day.date(), locale="en_GB")  # "Mar 2026"; September is "Sept 2026"


def captions(app) -> list[str]:
    return [caption.value for caption in app.caption]


def test_the_total_the_month_chart_and_the_next_events_in_english(busy_city, open_page):
    month, last_month = busy_city
    app = open_page(LANDING)
    assert not app.exception
    assert app.metric[0].label == "CO₂e avoided by the city" and app.metric[0].value == "2.5 t"
    assert app.metric[1].value == "1"
    assert any(text.startswith("≈ ") and "km not driven by car" in text for text in
               (element.value for element in app.markdown))
    before, now = english_month(last_month), english_month(month)
    summary = f"From {before} to {now} the city avoided 2.5 t; the biggest month was {before}, with 1.8 t."
    assert summary in captions(app)
    [table] = app.table
    assert table.value.to_dict("list") == {"Month": [before, now], "CO₂e (t)": [1.8, 0.7]}
    shown = " ".join(element.value for element in app.markdown)
    assert "Beach clean-up 1" in shown and "Beach clean-up 3" in shown
    assert "Beach clean-up 4" not in shown  # the next three; the events page lists the rest
    assert "Zhongshan Park" in shown


def test_the_same_in_chinese(busy_city, open_page):
    month, last_month = busy_city
    app = open_page(LANDING, lang="zh")
    assert app.metric[0].value == "2.5 吨"
    name = f"{last_month.year}年{last_month.month}月"
    assert any(text.startswith(f"从{name}到{month.year}年{month.month}月，全市共减排2.5 吨") for text in captions(app))
    assert list(app.table[0].value.columns) == ["月份", "CO₂e（吨）"]
    shown = " ".join(element.value for element in app.markdown)
    assert "海滩清洁 1" in shown and "中山公园" in shown
    assert [header.value for header in app.subheader] == ["每月减排量（CO₂e）", "近期活动", "在哪里参与"]


def test_a_city_that_has_not_started_says_so_instead_of_an_empty_chart(open_page):
    app = open_page(LANDING)
    assert not app.exception
    assert app.metric[0].value == "0 g"
    assert [info.value for info in app.info] == [
        "Nothing has been credited yet: the months appear here as soon as residents log actions.",
        "No events are announced yet."]
    assert not app.table


def test_the_landing_reads_new_credits_without_waiting_for_the_operators_refresh(make_user, open_page):
    rita = make_user("rita")
    credit(rita.id, 5, co2e_g=400, now=datetime.now(UTC))
    app = open_page(LANDING)
    assert app.table[0].value.to_dict("list")["CO₂e (g)"] == [400.0]
