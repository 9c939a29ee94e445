"""Navigation for thumbs (issue 14): on a 390x844 phone one tap on a menu entry shows that page with nothing over
it, whether or not the browser says it is a phone; the language switch and sign-out stay in the menu; a desktop
keeps its menu open."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_idle
from ui.i18n import catalogue

# An Android phone's Chrome: Streamlit closes its menu itself for such agents. Playwright's default agent is a
# desktop Chrome, like a tablet or a phone browser in "desktop site" mode, which Streamlit leaves open.
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0.0.0 Mobile Safari/537.36")
UNCOVERED = """element => { const box = element.getBoundingClientRect();
    return element.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)); }"""
ZH = catalogue("zh")


@pytest.mark.parametrize("user_agent", [None, PHONE_AGENT], ids=["desktop-site-agent", "phone-agent"])
def test_one_tap_on_the_menu_shows_the_page_uncovered(portal, new_page, user_agent):
    page = new_page(phone=True, user_agent=user_agent)
    sign_in(page, portal, "resident")
    page.goto(f"{portal}/home?lang=zh")
    wait_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_role("button", name="展开菜单").tap()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    expect(sidebar.get_by_text("English", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("button", name=ZH["portal.sign_out"])).to_be_visible()

    sidebar.get_by_role("link", name=ZH["nav.ledger"]).tap()
    wait_idle(page)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    heading = page.get_by_role("heading", name=ZH["ledger.statement_title"])
    expect(heading).to_be_visible()
    assert heading.evaluate(UNCOVERED), "the menu still lies over the page"


def test_a_desktop_keeps_its_menu_open_after_a_choice(portal, new_page):
    page = new_page()
    sign_in(page, portal, "resident")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="My ledger").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=catalogue("en")["ledger.statement_title"])).to_be_visible()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
