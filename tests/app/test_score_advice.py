"""The score page as a resident reads it (issue 14): the history chart in date order with its text alternative,
and a next step that counts today's credited metro kilometres against the daily cap."""
from datetime import timedelta

import pandas as pd
import pytest

from tests.support.charts import charts
from tests.support.ledger import NOON, load, verified

SCORE = "pages/resident/score.py"


@pytest.fixture(autouse=True)
def tuesday_noon(monkeypatch):
    """The page's clock at a known Tuesday, so "today" and "this week" are the same on every run."""
    load()
    monkeypatch.setattr("points.common.clock.utcnow", lambda: NOON)


def chart_data(app) -> tuple[dict, pd.DataFrame]:
    """The score chart's Vega-Lite encoding and the rows it draws."""
    spec, rows = charts(app)[0]
    return spec["encoding"], rows


def infos(app) -> str:
    return " ".join(element.value for element in app.info)


def test_the_history_is_drawn_on_a_time_axis_in_date_order_with_a_sentence_and_a_table(make_user, open_page):
    sam = make_user("sam")
    verified(sam.id, "metro", 30, when=NOON - timedelta(days=100), source="partner")
    app = open_page(SCORE, sam)
    assert not app.exception
    encoding, rows = chart_data(app)
    assert encoding["x"]["type"] == "temporal" and encoding["y"]["title"] == "Score"
    dates = rows["Date"]
    assert pd.api.types.is_datetime64_any_dtype(dates) and dates.is_monotonic_increasing and len(dates) == 13
    assert dates.iloc[0] < pd.Timestamp("2025-04-01") < pd.Timestamp("2026-03-01") < dates.iloc[-1]
    assert any(caption.value.startswith("From 500 on ") for caption in app.caption)
    assert "Data as a table" in [expander.label for expander in app.expander]


def test_the_next_step_counts_todays_metro_km_against_the_60_km_cap(make_user, open_page):
    sam = make_user("sam")
    for day in (3, 2, 1):
        verified(sam.id, "metro", 10, when=NOON - timedelta(days=day), source="partner")
    verified(sam.id, "metro", 40, source="partner")  # today: 20 km of the 60 km cap left
    app = open_page(SCORE, sam)
    text = infos(app)
    assert "2 today and the rest on the following days, as the daily cap of 60 km allows" in text, text


def test_at_the_cap_the_page_says_so_and_suggests_nothing_for_today(make_user, open_page):
    sam = make_user("sam")
    verified(sam.id, "metro", 60, source="partner")
    app = open_page(SCORE, sam, lang="zh")
    text = infos(app)
    assert "今天的上限 60 公里已容不下再乘 10 公里" in text and "今天再完成" not in text, text
