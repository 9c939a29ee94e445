"""The public landing on a phone, in Chinese and English: the city's total, the month chart's text alternative,
the next events and the small map's markers, with axe at zero serious or critical violations."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import wait_idle
from tests.browser.test_map import _map_frame

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
DEMO_PINS = 4  # the demo's recycling station and its three upcoming events
# Pins drawn on their own plus those a cluster stands for (a cluster's label is its count).
MARKERS = ("document.querySelectorAll('.ge-pin').length + [...document.querySelectorAll('.marker-cluster span')]"
           ".reduce((sum, label) => sum + Number(label.textContent), 0)")
TEXTS = {
    "zh": {"total": "全市累计减排（CO₂e）", "unit": r"\d (克|千克|吨)$",
           "summary": r"^从.+到.+，全市共减排.+；减排最多的月份是",
           "table": "表格", "month": "月份", "event": "白城沙滩净滩", "place": "白城沙滩"},
    "en": {"total": "CO₂e avoided by the city", "unit": r"\d (g|kg|t)$",
           "summary": r"^From .+ to .+ the city avoided ",
           "table": "table", "month": "Month", "event": "Baicheng Beach clean-up", "place": "Baicheng"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_landing_shows_the_total_the_months_the_events_and_the_map_on_a_phone(portal, new_page, lang):
    texts = TEXTS[lang]
    page = new_page(phone=True)
    page.goto(f"{portal}/?lang={lang}")
    wait_idle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text=texts["total"])
    assert re.search(texts["unit"], metric.get_by_test_id("stMetricValue").inner_text().strip())
    summary = page.get_by_test_id("stCaptionContainer").filter(has_text=re.compile(texts["summary"]))
    expect(summary).to_have_count(1)
    page.get_by_test_id("stExpander").filter(has_text=texts["table"]).locator("summary").click()
    wait_idle(page)
    expect(page.get_by_test_id("stTable").get_by_text(texts["month"]).first).to_be_visible()
    event = page.get_by_test_id("stVerticalBlock").filter(has_text=texts["event"]).last  # the event's own card
    expect(event).to_contain_text(texts["place"])
    _map_frame(page)  # one map, drawn by the finished run: a slow machine may still be loading it
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_load_state()
    frame.wait_for_function(f"() => ({MARKERS}) === {DEMO_PINS}")  # Leaflet adds the pins one layer at a time
    assert frame.evaluate(f"() => {MARKERS}") == DEMO_PINS
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert_accessible(page, f"landing {lang} on a phone")
