"""Issue 14's four journeys on a phone, in Chinese, in normal and in elder mode, with axe at zero serious or
critical violations on every page visited: a new resident registers and logs two actions; a volunteer scans a
poster signed out, registers, is checked in and out; an organiser creates, publishes and prints; an admin approves
the resident's claim and finds its entry."""
import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.browser.axe import assert_accessible
from tests.browser.conftest import DEMO_PASSWORD, scaled, seeded_portal, wait_for_sign_in_cookie, wait_idle
from tests.support.portal import PORTAL_SECRET
from ui.i18n import catalogue

ZH = catalogue("zh")
MODES = {"normal": "", "elder": "&elder=1"}
SKELETON_GONE = "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"


def text(key: str, **params) -> str:
    return ZH[key].format(**params) if params else ZH[key]


def settle(page) -> None:
    """The run has finished and nothing is still a grey placeholder: what a person (and axe) then sees."""
    wait_idle(page)
    page.wait_for_function(SKELETON_GONE, timeout=scaled(30_000))


def checked(page, where: str) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "zh-CN", where
    assert_accessible(page, where)


def visit(page, url: str, where: str) -> None:
    page.goto(url)
    checked(page, where)


def register(page, *, username: str, name: str) -> None:
    page.get_by_role("textbox", name=text("account.username"), exact=True).fill(username)
    page.get_by_role("textbox", name=text("account.display_name")).fill(name)
    page.get_by_label(text("account.password"), exact=True).fill("mudflat-heron-42")
    page.get_by_label(text("account.password_repeat")).fill("mudflat-heron-42")
    page.get_by_role("button", name=text("portal.register")).click()
    expect(page.get_by_text(text("portal.signed_in_as", name=name))).to_be_attached(timeout=scaled(30_000))
    wait_for_sign_in_cookie(page)


def sign_in_zh(page, base: str, username: str, mode: str) -> None:
    visit(page, f"{base}/signin?lang=zh{mode}", f"signin ({username})")
    page.get_by_role("textbox", name=text("account.username"), exact=True).fill(username)
    page.get_by_label(text("account.password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=text("portal.sign_in")).click()
    expect(page.get_by_text(re.compile(text("portal.signed_in_as", name="")))).to_be_attached()
    wait_for_sign_in_cookie(page)


def log_action(page, *, action: str | None, quantity: str) -> None:
    """On the log page: pick `action` by typing its name (None: keep the one it opens on), set the quantity,
    submit, and wait for the outcome."""
    if action is not None:
        picker = page.get_by_role("combobox", name=re.compile(text("ledger.action")))
        picker.click()
        picker.fill(action)
        page.get_by_role("option", name=re.compile(action)).first.click()
        settle(page)
    amount = page.get_by_role("spinbutton").first
    amount.fill(quantity)
    amount.press("Enter")
    settle(page)
    page.get_by_role("button", name=text("ledger.submit")).click()
    expect(page.get_by_role("button", name=text("ledger.log_another"))).to_be_visible(timeout=scaled(30_000))
    checked(page, f"log outcome ({action})")


def running_event(data) -> str:
    """A volunteer event under way now, published by the demo organiser: the poster link a volunteer scans."""
    from db.engine import engine_for
    from db.models import User
    from points.checkin.checkpoints import create_checkpoint, publish
    from points.checkin.tokens import poster_token
    from points.common.clock import utcnow

    now = utcnow()
    with Session(engine_for(f"sqlite:///{data / 'portal.db'}")) as session, session.begin():
        organizer = session.exec(select(User).where(User.username == "organizer")).one()
        event = create_checkpoint(session, actor_id=organizer.id, kind="event", title_zh="筼筜湖净滩",
                                  title_en="Yundang Lake clean-up", lat=24.48, lon=118.09,
                                  starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2), now=now)
        publish(session, actor_id=organizer.id, checkpoint_id=event.id, now=now)
        return f"checkin?c={event.id}&t={poster_token(event.id, secret=PORTAL_SECRET)}"


@pytest.fixture(scope="module")
def journey_data(tmp_path_factory):
    return tmp_path_factory.mktemp("journeys")


@pytest.fixture(scope="module")
def journey_portal(journey_data):
    """The journeys' own portal: the people and events they create would change what other tests count."""
    with seeded_portal(journey_data) as base:
        yield base


@pytest.mark.parametrize("mode", list(MODES))
def test_the_four_journeys_on_a_phone_in_chinese(mode, journey_portal, journey_data, new_page):
    portal = journey_portal
    extra, tag = MODES[mode], uuid.uuid4().hex[:6]

    # 1. A new resident registers and logs two actions: the one the picker opens on, and saved electricity,
    #    which always waits for a reviewer.
    resident, resident_name = f"egret{tag}", f"白鹭{tag}"
    page = new_page(phone=True)
    visit(page, f"{portal}/register?lang=zh{extra}", "register")
    register(page, username=resident, name=resident_name)
    visit(page, f"{portal}/log?lang=zh{extra}", "log")
    log_action(page, action=None, quantity="2")
    page.get_by_role("button", name=text("ledger.log_another")).click()
    checked(page, "log again")
    log_action(page, action="节约用电", quantity="5")
    visit(page, f"{portal}/ledger?lang=zh{extra}", "statement")
    visit(page, f"{portal}/home?lang=zh{extra}", "home")

    # 2. A volunteer scans the poster signed out, registers from the check-in page, is checked in, then out.
    volunteer, volunteer_name = f"heron{tag}", f"苍鹭{tag}"
    phone = new_page(phone=True)
    visit(phone, f"{portal}/{running_event(journey_data)}&lang=zh{extra}", "check-in, signed out")
    phone.get_by_role("link", name=text("portal.no_account_register")).click()
    checked(phone, "register from a scan")
    register(phone, username=volunteer, name=volunteer_name)
    expect(phone.get_by_role("heading", name=text("checkin_outcome.checked_in.heading"))).to_be_visible(
        timeout=scaled(30_000))
    checked(phone, "checked in")
    phone.get_by_role("button", name=text("checkin.check_out")).click()
    expect(phone.get_by_role("heading", name=text("checkin_outcome.held.heading"))).to_be_visible(
        timeout=scaled(30_000))
    expect(phone.get_by_text(text("checkin_outcome.why", reason="").replace("**", "").strip())).to_be_visible()
    checked(phone, "checked out, held for review")

    # 3. An organiser creates a checkpoint with the form's own defaults, publishes it and prints its poster.
    organizer = new_page(phone=True)
    sign_in_zh(organizer, portal, "organizer", extra)
    visit(organizer, f"{portal}/organize?lang=zh{extra}", "organize")
    organizer.get_by_role("button", name=text("checkin.form.save")).click()
    checked(organizer, "organize, draft saved")
    publish_button = organizer.get_by_role("button", name=text("checkin.publish"))
    expect(publish_button).to_be_visible(timeout=scaled(30_000))
    publish_button.click()
    checked(organizer, "organize, published")
    with organizer.expect_download() as poster:
        organizer.get_by_role("button", name=text("checkin.poster_pdf")).click()
    assert poster.value.path().read_bytes().startswith(b"%PDF")

    # 4. An admin approves the resident's electricity claim and finds its entry in the ledger.
    admin = new_page(phone=True)
    sign_in_zh(admin, portal, "admin", extra)
    visit(admin, f"{portal}/review?lang=zh{extra}", "review")
    admin.get_by_text(re.compile(rf"· {resident} · 节约用电 × 5")).click()
    admin.get_by_role("button", name=text("admin.review.approve")).click()
    expect(admin.get_by_text(text("admin.review.done_approved", count=1))).to_be_visible(timeout=scaled(30_000))
    checked(admin, "review, approved")
    visit(admin, f"{portal}/admin-ledger?lang=zh{extra}", "admin ledger")
    search = admin.get_by_role("textbox", name=text("admin.ledger.resident")).first  # the filter; the second adjusts
    search.fill(resident)
    search.press("Enter")
    checked(admin, "admin ledger, one resident")
    expect(admin.get_by_text(re.compile(r"对账单：余额 [\d,]+ 积分.*共 2 条记录"))).to_be_visible()
