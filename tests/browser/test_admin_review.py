"""In Chromium: the demo resident logs an action that needs review, the demo admin approves it in the review
queue, and the resident's balance shows the new points. Pages are reached through the menu, as people do."""
import re

from tests.browser.conftest import scaled, sign_in, wait_idle

ELECTRICITY_POINTS = 2046  # 5 kWh x 409.2 g, one point per gram


def open_from_menu(page, label: str, ready: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label).click()
    page.get_by_text(ready).first.wait_for(timeout=scaled(60_000))
    wait_idle(page)


def balance(page) -> int:
    open_from_menu(page, "Home", "Points balance")
    metric = page.get_by_test_id("stMetric").filter(has_text="Points balance")
    return int(re.sub(r"\D", "", metric.get_by_test_id("stMetricValue").inner_text()))


def test_the_admin_approves_a_pending_claim_and_the_resident_sees_the_points(portal, new_page):
    resident = new_page()
    sign_in(resident, portal, "resident")
    before = balance(resident)
    open_from_menu(resident, "Log an action", "Log it")
    resident.get_by_test_id("stSelectbox").first.click()
    resident.get_by_role("option", name="Electricity saved").click()
    wait_idle(resident)
    resident.get_by_role("spinbutton").first.fill("5")
    resident.get_by_role("spinbutton").first.press("Enter")
    resident.get_by_text("5 kWh · Electricity saved").wait_for(timeout=scaled(60_000))
    resident.get_by_role("button", name="Log it").click()
    resident.get_by_role("button", name="Log another action").wait_for(timeout=scaled(60_000))
    assert balance(resident) == before

    admin = new_page()
    sign_in(admin, portal, "admin")
    open_from_menu(admin, "Review queue", "Approve selected")
    admin.get_by_text(re.compile(r"· resident · Electricity saved × 5\.00")).first.click()
    admin.get_by_role("button", name="Approve selected").click()
    admin.get_by_text("1 claim(s) approved.").wait_for(timeout=scaled(60_000))

    # The resident has been on Home since the last look: clicking its own link may not rerun it in time, so the
    # old figure could be read. Load the page afresh instead.
    resident.reload()
    wait_idle(resident)
    assert balance(resident) == before + ELECTRICITY_POINTS
