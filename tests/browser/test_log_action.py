"""The demo resident logs a 10 km metro trip in Chromium: a self-report, it earns half of 467 (233 points)."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_idle


def balance_shown(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Points balance")
    return int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def open_from_menu(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
    wait_idle(page)


def test_demo_resident_logs_ten_km_by_metro_and_sees_the_self_reported_233_points(portal, new_page):
    page = new_page()
    sign_in(page, portal, "resident")
    open_from_menu(page, "Home")
    expect(page.get_by_text("Points balance")).to_be_visible()
    before = balance_shown(page)
    open_from_menu(page, "Log an action")
    page.get_by_role("combobox", name=re.compile("Action")).click()
    page.get_by_role("option", name="Metro trip").click()
    wait_idle(page)
    quantity = page.get_by_label("Quantity (km)")
    quantity.fill("10")
    quantity.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("10 km · Metro trip ≈ 467 g CO₂e = 467 points (46.7 g/km)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Self-reported: 50 % of 467 = 233 points\. Link your metro or bus card"))
           ).to_be_visible()  # the demo metro operator reports metro trips
    page.get_by_role("button", name="Log it").click()
    wait_idle(page)
    expect(page.get_by_text("233 points added (233 g CO₂e avoided).")).to_be_visible()
    open_from_menu(page, "Home")
    expect(page.get_by_text("Points balance")).to_be_visible()
    assert balance_shown(page) == before + 233
