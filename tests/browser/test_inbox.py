"""Issue 17's messages on a phone, in Chinese: a resident's inbox shows their message, the menu counts it as
unread, and reading it clears the count; axe finds nothing serious on the page."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in, wait_idle
from tests.support.portal import portal_database_url
from ui.i18n import catalogue

ZH = catalogue("zh")
READER, PASSWORD = "inbox-reader", "egret-letters-31"
pytestmark = pytest.mark.both_databases


def reader_with_a_message(portal_data) -> None:
    """A resident of this test's own, so the demo resident's menu stays as the other tests read it."""
    from sqlmodel import Session

    from db.engine import engine_for
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user
    from points.inbox.messages import notify

    password = new_password(PASSWORD)
    with Session(engine_for(portal_database_url(portal_data))) as session, session.begin():
        reader = create_user(session, username=READER, password=password, language="zh")
        session.flush()
        notify(session, user_id=reader.id, topic="points_expiring", key="browser:expiring",
               params={"points": 120, "year": "2025", "expires_on": "2026-12-31"})


def test_the_inbox_shows_a_message_and_the_menu_counts_it(portal, portal_data, new_page):
    reader_with_a_message(portal_data)
    page = new_page(phone=True)
    sign_in(page, portal, READER, PASSWORD)
    page.goto(f"{portal}/inbox?lang=zh")
    wait_idle(page)
    expect(page.get_by_role("heading", name=ZH["inbox.title"])).to_be_visible()
    expect(page.get_by_text("120 积分将于 2026年12月31日 到期")).to_be_visible()
    expect(page.get_by_text(ZH["inbox.unread_count"].format(count=1))).to_be_visible()
    assert_accessible(page, "inbox (zh, phone)")

    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_role("button", name=ZH["frame.st.expand_sidebar"]).tap()
    expect(sidebar.get_by_role("link", name=ZH["inbox.nav_unread"].format(count=1))).to_be_visible()
    page.get_by_role("button", name=ZH["frame.st.collapse_sidebar"]).tap()  # open, it lies over the page

    page.get_by_role("button", name=ZH["inbox.mark_read"], exact=True).tap()
    wait_idle(page)
    expect(page.get_by_text(ZH["inbox.unread_count"].format(count=1))).to_have_count(0)
    page.get_by_role("button", name=ZH["frame.st.expand_sidebar"]).tap()
    expect(sidebar.get_by_role("link", name=ZH["nav.inbox"], exact=True)).to_be_visible()
