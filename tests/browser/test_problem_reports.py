"""Issue 17's "done when" for environmental reports, on a phone in Chinese, on a portal of its own: a resident
reports litter at a spot, a second resident near it is offered that report and joins it, an admin confirms and
fixes it, and the first resident sees the status and is credited once; axe at zero serious or critical on every
page visited."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.browser.conftest import DEMO_PASSWORD, scaled, seeded_portal
from tests.browser.test_journeys import checked, sign_in_zh, text, visit
from tests.browser.test_map import MAP_FRAME, _map_frame
from tests.support.portal import portal_database_url

ZOOM = 17  # about 1 m a pixel in Xiamen: a click 30 px off the spot is some 30 m away, within the 50 m
pytestmark = pytest.mark.both_databases


@pytest.fixture(scope="module")
def reports_data(tmp_path_factory):
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def reports_portal(reports_data):
    """Its own portal: the reports it files would show on the map other tests count markers on."""
    with seeded_portal(reports_data) as base:
        yield base


def _engine(data):
    from db.engine import engine_for

    return engine_for(portal_database_url(data))


def second_resident(data) -> str:
    from points.accounts.users import create_user

    with Session(_engine(data)) as session, session.begin():
        create_user(session, username="heron", password=DEMO_PASSWORD, display_name="苍鹭")
    return "heron"


def zoomed_map(page):
    """The report page's map zoomed in with its + button, as a resident does before tapping the spot."""
    frame = _map_frame(page)
    frame.locator(".leaflet-container").wait_for()
    leaflet = next(f for f in page.frames if "streamlit_folium" in f.url)
    for level in range(leaflet.evaluate("() => window.map.getZoom()") + 1, ZOOM + 1):
        frame.locator(".leaflet-control-zoom-in").click()
        leaflet.wait_for_function("(level) => window.map.getZoom() === level && !window.map._animatingZoom",
                                  arg=level)
    return frame.locator(".leaflet-container")


def tap(container, dx: float = 0) -> None:
    box = container.bounding_box()
    container.click(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2})


def pinned(page) -> None:
    expect(page.get_by_text(re.compile(text("problems.report.spot", lat="", lon="").split("：")[0]))).to_be_visible(
        timeout=scaled(30_000))
    checked(page, "report, spot pinned")


def test_litter_is_reported_joined_confirmed_fixed_and_credited_once(reports_portal, reports_data, new_page):
    portal = reports_portal

    # 1. A resident pins litter on the map, keeps the kind it opens on (marine litter) and sends it.
    resident = new_page(phone=True)
    sign_in_zh(resident, portal, "resident", "")
    visit(resident, f"{portal}/report?lang=zh", "report")
    expect(resident.locator(MAP_FRAME)).to_be_visible()
    tap(zoomed_map(resident))
    pinned(resident)
    resident.get_by_role("textbox", name=text("problems.report.note")).fill("沙滩上有很多塑料瓶和渔网")
    resident.get_by_role("button", name=text("problems.report.submit")).click()
    expect(resident.get_by_text(text("problems.report.sent", id=1))).to_be_visible(timeout=scaled(30_000))
    checked(resident, "report sent")

    # 2. A second resident taps some 30 m away: the page offers the same report, and they join it.
    neighbour = new_page(phone=True)
    sign_in_zh(neighbour, portal, second_resident(reports_data), "")
    visit(neighbour, f"{portal}/report?lang=zh", "report, second resident")
    tap(zoomed_map(neighbour), dx=30)
    pinned(neighbour)
    expect(neighbour.get_by_role("heading", name=text("problems.report.same_title"))).to_be_visible()
    checked(neighbour, "same problem offered")
    neighbour.get_by_role("button", name=text("problems.report.join", id=1)).click()
    expect(neighbour.get_by_text(text("problems.report.joined", id=1))).to_be_visible(timeout=scaled(30_000))
    checked(neighbour, "joined")

    # 3. An admin confirms the report, then fixes it with a note.
    admin = new_page(phone=True)
    sign_in_zh(admin, portal, "admin", "")
    visit(admin, f"{portal}/report-triage?lang=zh", "triage")
    admin.get_by_role("button", name=text("problems.triage.confirm"), exact=True).click()
    expect(admin.get_by_text(text("problems.triage.done.confirmed", id=1, points=50))).to_be_visible(
        timeout=scaled(30_000))
    checked(admin, "triage, confirmed")
    admin.get_by_role("textbox", name=text("problems.triage.fix_note")).fill("环卫队已清理两袋垃圾")
    admin.get_by_role("button", name=text("problems.triage.fix")).click()
    expect(admin.get_by_text(text("problems.triage.done.fixed", id=1))).to_be_visible(timeout=scaled(30_000))
    checked(admin, "triage, fixed")

    # 4. The first resident sees the status, every step and the credit; the ledger holds one credit for it.
    visit(resident, f"{portal}/report?lang=zh", "report, fixed")
    summary = resident.get_by_text(re.compile(r"#1 · " + text("problems.kind.marine_litter") + " · "
                                              + text("problems.status.fixed")))
    summary.click()
    expect(resident.get_by_text(text("problems.report.credit", points=50))).to_be_visible()
    expect(resident.get_by_text("环卫队已清理两袋垃圾")).to_be_visible()
    checked(resident, "report, steps shown")
    from db.models import LedgerEntry, User

    with Session(_engine(reports_data)) as session:
        owner = session.exec(select(User.id).where(User.username == "resident")).one()
        credits = session.exec(select(LedgerEntry.points).where(LedgerEntry.user_id == owner,
                                                                LedgerEntry.action_code == "env_report")).all()
    assert credits == [50]
