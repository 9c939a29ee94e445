"""A new visitor in Chromium: protected URLs ask for sign-in, registration, a refresh keeps the sign-in."""
import re
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_for_sign_in_cookie, wait_idle


def _menu(page) -> set[str]:
    """Menu labels without the icon ligature text Streamlit puts before them."""
    return {text.strip().splitlines()[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()}


def _expected_menu(role: str) -> set[str]:
    from ui.i18n import catalogue
    from ui.nav import PAGES

    return {catalogue("en")[f"nav.{spec.key}"] for spec in PAGES if role in spec.roles and not spec.hidden}


def test_healthz_and_readyz_answer_json(portal):
    with urllib.request.urlopen(f"{portal}/healthz") as response:
        assert response.headers["content-type"].startswith("application/json")
        assert response.read() == b'{"status":"ok"}'
    with urllib.request.urlopen(f"{portal}/readyz") as response:
        assert response.headers["content-type"].startswith("application/json")
        assert b'"database":"ok"' in response.read()


def test_an_admin_url_opened_first_asks_to_sign_in_then_continues(portal, new_page):
    """The first request of a fresh process and browser is an admin page: nothing of it shows before sign-in."""
    page = new_page()
    page.goto(f"{portal}/admin-ledger?lang=en")
    wait_idle(page)
    expect(page.get_by_text("Please sign in to continue to this page.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ledger browser")).to_have_count(0)
    page.get_by_role("textbox", name="Username", exact=True).fill("admin")
    page.get_by_label("Password", exact=True).fill("green-egret-demo")
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/admin-ledger"))
    expect(page.get_by_role("heading", name="Ledger browser")).to_be_visible()


def test_register_sign_in_refresh_new_tab_and_switch_language(portal, new_page):
    page = new_page()
    page.goto(f"{portal}/register?lang=en")
    wait_idle(page)
    page.get_by_role("textbox", name="Username", exact=True).fill("heron")
    page.get_by_role("textbox", name="Display name").fill("Grey Heron")
    page.get_by_label("Password", exact=True).fill("mudflat-heron-42")
    page.get_by_label("Repeat the password").fill("mudflat-heron-42")
    page.get_by_role("button", name="Create account").click()
    wait_idle(page)
    expect(page.get_by_text("Signed in as Grey Heron")).to_be_visible()

    wait_for_sign_in_cookie(page)
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Signed in as Grey Heron")).to_be_visible()

    other_tab = page.context.new_page()
    other_tab.goto(f"{portal}/account")
    wait_idle(other_tab)
    expect(other_tab.get_by_text("Signed in as Grey Heron")).to_be_visible()

    page.get_by_text("中文").click()
    wait_idle(page)
    expect(page.get_by_text("已登录：Grey Heron")).to_be_visible()
    assert "lang=zh" in page.url

    page.get_by_role("button", name="退出登录").click()
    wait_idle(page)
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("已登录：Grey Heron")).to_have_count(0)


def test_each_demo_account_sees_only_its_roles_pages(portal, new_page):
    for username in ("resident", "organizer", "admin"):
        page = new_page()
        sign_in(page, portal, username)
        assert _menu(page) == _expected_menu(username)
        assert "My account" in _menu(page) and "Sign in" not in _menu(page)
