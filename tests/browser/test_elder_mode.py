"""Elder mode (适老化) on a phone in Chinese, measured in the page: large text, big targets, axe clean, remembered
across signing out and in, and the resident's home with its two one-tap actions at the top."""
import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, sign_in, wait_idle

SWITCH = "关怀模式：大字、高对比"
LOG = "记录绿色行动"
CODE = "出示我的个人码"
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('[data-testid="stApp"] :is(p, li, label, td, th)')]
  .filter(element => element.innerText.trim() && element.getBoundingClientRect().width > 2)
  .map(element => parseFloat(getComputedStyle(element).fontSize)))"""  # in px, of the text shown in the page

# Idle is not yet drawn: widgets whose code loads lazily stand as grey skeletons for a moment, and axe would pass them.
DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')"""


def open_menu(page) -> None:
    """On a phone the switch sits in the sidebar, which starts closed; open it when it is."""
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
        page.locator('[data-testid="stSidebar"][data-collapsed="false"]').wait_for()


def set_elder_mode(page, on: bool) -> None:
    open_menu(page)
    switch = page.get_by_role("switch", name=SWITCH)
    if switch.is_checked() != on:
        page.get_by_test_id("stSidebarUserContent").get_by_text(SWITCH).click()
        wait_idle(page)
    assert switch.is_checked() == on


def visit(page, base: str, key: str, *, elder: str = "") -> None:
    """Load a page afresh (a new Streamlit session), in Chinese; `elder` "1" or "0" as a link would carry it."""
    page.goto(f"{base}/{key}?lang=zh" + (f"&elder={elder}" if elder else ""))
    wait_idle(page)
    page.wait_for_function(DRAWN)


def box(page, name: str) -> dict:
    return page.get_by_role("button", name=name).bounding_box()


def signed_in(new_page, portal):
    page = new_page(phone=True)
    sign_in(page, portal, "resident")
    visit(page, portal, "home")
    return page


@pytest.fixture
def resident(portal, new_page):
    """A signed-in resident on a phone; elder mode is saved off again afterwards (the demo user is shared)."""
    yield signed_in(new_page, portal)
    visit(signed_in(new_page, portal), portal, "home", elder="0")


def test_elder_mode_is_large_clear_and_remembered(portal, new_page, resident):
    page = resident
    assert page.evaluate(SMALLEST_TEXT) < 18  # the ordinary look, before the switch
    set_elder_mode(page, True)
    assert page.evaluate(SMALLEST_TEXT) >= 18
    assert box(page, LOG)["height"] >= 44 and box(page, CODE)["height"] >= 44
    assert_accessible(page, "home, elder mode, menu open")
    for key in ("home", "log", "ledger"):  # a fresh load of each page: the choice comes back from the account
        visit(page, portal, key)
        assert page.evaluate(SMALLEST_TEXT) >= 18, key
        assert_accessible(page, f"{key}, elder mode")

    open_menu(page)
    page.get_by_role("button", name="退出登录").click()
    wait_idle(page)
    visit(page, portal, "signin", elder="1")  # a visitor's bookmark or poster link in elder mode
    assert page.evaluate(SMALLEST_TEXT) >= 18
    assert_accessible(page, "signin, elder mode")

    again = signed_in(new_page, portal)  # another phone: only the account remembers
    assert again.evaluate(SMALLEST_TEXT) >= 18
    open_menu(again)
    assert again.get_by_role("switch", name=SWITCH).is_checked()


def test_home_shows_the_two_one_tap_actions_at_the_top(portal, resident):
    page = resident
    log, code = box(page, LOG), box(page, CODE)
    balance = page.get_by_test_id("stMetric").first.bounding_box()
    assert log["y"] + log["height"] <= PHONE["height"] and code["y"] + code["height"] <= PHONE["height"]
    assert log["y"] < balance["y"] and code["y"] < balance["y"]  # before the figures, not under them
    page.get_by_role("button", name=CODE).click()
    wait_idle(page)
    page.get_by_test_id("stImage").wait_for()  # the personal QR code, one tap from home
    page.get_by_role("button", name=LOG).click()
    page.wait_for_url(f"{portal}/log**")
    wait_idle(page)
