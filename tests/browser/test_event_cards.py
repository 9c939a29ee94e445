"""On a 390 px phone in Chinese: an event card's calendar file, its directions, the sign-up of a visitor who signs
in on the way; and the resident's statement, which fits the screen with its hashes opened."""
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, sign_in, wait_for_sign_in_cookie, wait_idle

# In the page's main part: elements whose right edge passes the viewport, and boxes that cut their content off
# sideways (a table or a line of text that scrolls or clips horizontally: a hash in it would be cut off).
WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  const name = (element) => element.tagName + ' ' + (element.dataset.testid || element.className || '');
  const all = [...main.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().width > 0);
  const wide = all.filter((element) => element.getBoundingClientRect().right > width + 1);
  const clipped = all.filter((element) => element.scrollWidth > element.clientWidth + 1
                             && getComputedStyle(element).overflowX !== 'visible');
  return {scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5).map(name),
          clipped: clipped.slice(0, 5).map(name)};
}"""


def assert_fits(page) -> None:
    overflow = page.evaluate(WIDER_THAN_VIEWPORT)
    assert overflow == {"scroll": 0, "wide": [], "clipped": []}, overflow


def card(page, title: str):
    return page.locator('[data-testid="stVerticalBlock"]').filter(
        has=page.get_by_role("heading", name=title)).last


def test_a_visitor_downloads_the_calendar_file_and_signs_up_through_sign_in(portal, new_page):
    page = new_page(phone=True)
    page.goto(f"{portal}/events?lang=zh")
    wait_idle(page)
    lake = card(page, "筼筜湖岸线清洁")
    with page.expect_download() as download:
        lake.get_by_role("button", name="加入我的日历").click()
    calendar = download.value.path().read_bytes().decode("utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:筼筜湖岸线清洁\r\n" in calendar
    assert "GEO:24.470100;118.079340\r\n" in calendar
    directions = lake.get_by_role("link", name="高德地图导航")
    assert directions.get_attribute("href").startswith("https://uri.amap.com/marker?position=118.079340%2C24.470100")
    assert_fits(page)
    lake.get_by_role("button", name="登录后报名").click()
    wait_idle(page)
    page.get_by_role("textbox", name="用户名", exact=True).fill("resident")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("欢迎回来：已为你报名所选活动。")).to_be_visible()
    wait_idle(page)
    wait_for_sign_in_cookie(page)
    assert page.url.split("?")[0].endswith("/events")
    expect(card(page, "筼筜湖岸线清洁").get_by_text("您已报名。")).to_be_visible()


def test_the_statement_fits_a_phone_with_its_hashes_opened(portal, new_page):
    page = new_page(phone=True)
    sign_in(page, portal, "resident")
    page.goto(f"{portal}/ledger?lang=zh")
    wait_idle(page)
    expect(page.get_by_role("heading", name="凭证")).to_be_visible()
    assert_fits(page)
    page.get_by_text("详情", exact=True).click()
    wait_idle(page)
    expect(page.locator('[data-testid="stCode"]').first).to_be_visible()
    assert_fits(page)
