"""The demo resident redeems a bus ride in Chromium: confirms, sees the code and the balance drop by the cost."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_idle

BUS_RIDE_COST = 1000


def _balance(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="My points")
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_the_demo_resident_redeems_a_reward_and_sees_the_code_and_the_lower_balance(portal, new_page):
    page = new_page()
    sign_in(page, portal, "resident")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Rewards").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/rewards"))
    before = _balance(page)
    assert before >= BUS_RIDE_COST
    page.locator(".st-key-redeem_bus_ride button").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Spend 1,000 points on “City bus ride”"))).to_be_visible()
    page.get_by_role("button", name="Yes, redeem").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Your code: GE-[A-Z2-9]{5}-[A-Z2-9]{5}"))).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    assert _balance(page) == before - BUS_RIDE_COST
