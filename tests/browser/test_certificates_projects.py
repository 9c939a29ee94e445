"""Issue 17's done-when for certificates and projects, on a phone in Chinese with axe at zero serious or critical
violations: a volunteer downloads a certificate whose QR link opens a page saying it is genuine, and a forged link
is refused; a resident gives points to a project and the progress bar moves."""
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import seeded_portal
from tests.browser.test_journeys import checked, sign_in_zh, text, visit
from tests.support.pdf_codes import qr_texts
from tests.support.portal import PORTAL_SECRET, portal_database_url

VOLUNTEER, VOLUNTEER_NAME, PASSWORD = "xiaobai", "林小白", "mangrove-egret-17"
pytestmark = pytest.mark.both_databases


def set_up_volunteer_and_project(data) -> None:
    """In the portal's own database, signed with its secret: a volunteer who checked in and out of a finished
    event (3 hours credited), and an open project with a goal of 1,000 points."""
    from sqlmodel import select

    from db.engine import write_session
    from db.models import User
    from points.accounts.users import create_user
    from points.checkin.checkpoints import create_checkpoint, publish
    from points.checkin.decision import check_out, scan
    from points.checkin.tokens import poster_token
    from points.common.clock import utcnow
    from tests.support.projects import open_project

    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", portal_database_url(data))
        env.setenv("GREEN_EGRET_SECRET", PORTAL_SECRET)
        start = utcnow() - timedelta(hours=4)
        with write_session() as session:
            organizer = session.exec(select(User).where(User.username == "organizer")).one()
            admin = session.exec(select(User).where(User.username == "admin")).one()
            volunteer = create_user(session, username=VOLUNTEER, password=PASSWORD, display_name=VOLUNTEER_NAME)
            event = create_checkpoint(session, actor_id=organizer.id, kind="event", title_zh="下潭尾净滩",
                                      title_en="Xiatanwei beach clean-up", lat=24.63, lon=118.19, starts_at=start,
                                      ends_at=start + timedelta(hours=3), now=start - timedelta(days=1))
            publish(session, actor_id=organizer.id, checkpoint_id=event.id, now=start - timedelta(days=1))
        for step, at in ((scan, start), (check_out, start + timedelta(hours=3))):
            with write_session() as session:
                step(session, user_id=volunteer.id, checkpoint_id=event.id, token=poster_token(event.id), now=at)
        open_project(admin.id, goal=1000)


@pytest.fixture(scope="module")
def own_data(tmp_path_factory):
    return tmp_path_factory.mktemp("certificates_projects")


@pytest.fixture(scope="module")
def own_portal(own_data):
    """A portal of its own: the project and the volunteer's hours would change what other tests count."""
    with seeded_portal(own_data) as base:
        set_up_volunteer_and_project(own_data)
        yield base


def sign_in_volunteer(page, base: str) -> None:
    visit(page, f"{base}/signin?lang=zh", "signin")
    page.get_by_role("textbox", name=text("account.username"), exact=True).fill(VOLUNTEER)
    page.get_by_label(text("account.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=text("portal.sign_in")).click()
    expect(page.get_by_text(text("portal.signed_in_as", name=VOLUNTEER_NAME))).to_be_attached()


def test_a_volunteers_certificate_verifies_and_a_forged_one_is_refused(own_portal, new_page):
    page = new_page(phone=True)
    sign_in_volunteer(page, own_portal)
    visit(page, f"{own_portal}/certificates?lang=zh", "certificates")
    expect(page.get_by_text(text("certificates.volunteer_so_far", hours="3.0", events="1"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=text("certificates.download")).first.click()
    [link] = qr_texts(download.value.path().read_bytes())
    address = urlparse(link)
    assert f"{address.scheme}://{address.netloc}" == own_portal and address.path == "/verify"

    reader = new_page(phone=True)  # whoever scans the paper: signed out, another phone
    visit(reader, f"{link}&lang=zh", "verify, genuine")
    expect(reader.get_by_text(text("certificates.verify.genuine"))).to_be_visible()
    expect(reader.get_by_text(re.compile(f"兹证明 {VOLUNTEER_NAME} .*累计服务 3.0 小时"))).to_be_visible()

    number, signature = address.query.removeprefix("c=").split(".")
    forged = f"{own_portal}/verify?c={number}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}&lang=zh"
    visit(reader, forged, "verify, forged")
    expect(reader.get_by_text(text("error.certificate_invalid"))).to_be_visible()
    expect(reader.get_by_text(text("certificates.verify.genuine"))).to_have_count(0)
    expect(reader.get_by_text(VOLUNTEER_NAME)).to_have_count(0)


def test_a_resident_gives_points_and_the_progress_bar_moves(own_portal, new_page):
    page = new_page(phone=True)
    sign_in_zh(page, own_portal, "resident", "")
    visit(page, f"{own_portal}/projects?lang=zh", "projects")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text(text("projects.progress", raised="0", goal="1,000", percent="0"))).to_be_visible()
    amount = page.get_by_role("spinbutton", name=text("projects.amount"))
    amount.fill("100")
    page.get_by_role("button", name=text("projects.give")).click()
    expect(page.get_by_text(text("projects.given", points="100", title="下潭尾红树林种植"))).to_be_visible()
    expect(page.get_by_text(text("projects.progress", raised="100", goal="1,000", percent="10"))).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "10")
    checked(page, "projects, after the gift")
