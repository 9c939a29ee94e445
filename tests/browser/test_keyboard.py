"""Keyboard only (issue 14): a resident signs in and logs an action with Tab, typing and Enter, never a click."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, wait_for_sign_in_cookie, wait_idle

FOCUSED = "element => element === document.activeElement || element.contains(document.activeElement)"
MAX_TABS = 60


def tab_to(page, target) -> None:
    """Press Tab until the keyboard focus is on `target` (it must be reachable in the tab order)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate(FOCUSED):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


def sign_in_by_keyboard(page, base: str) -> None:
    page.goto(f"{base}/signin?lang=en")
    wait_idle(page)
    tab_to(page, page.get_by_role("textbox", name="Username", exact=True))
    page.keyboard.type("resident")
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Signed in as")).to_be_attached()
    wait_idle(page)
    wait_for_sign_in_cookie(page)


def test_sign_in_with_the_keyboard_only(portal, new_page):
    page = new_page()
    sign_in_by_keyboard(page, portal)
    expect(page.get_by_text("Signed in as Demo resident")).to_be_visible()


def test_log_an_action_with_the_keyboard_only(portal, new_page):
    """Whatever action the picker opens on, typing a name picks the metro trip; 2 km, then Log it by Enter."""
    page = new_page()
    sign_in_by_keyboard(page, portal)
    page.goto(f"{portal}/log?lang=en")
    wait_idle(page)
    tab_to(page, page.get_by_role("combobox", name=re.compile("Action")))
    page.keyboard.type("Metro trip")
    expect(page.get_by_role("option", name=re.compile("Metro trip"))).to_be_visible()
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("combobox", name=re.compile("Action"))).to_have_value(re.compile("Metro trip"))

    tab_to(page, page.get_by_label("Quantity (km)"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"2 km · Metro trip ≈ 93 g CO₂e"))).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Log it"))
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"\d+ points added"))).to_be_visible()
