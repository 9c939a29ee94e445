"""Issue 17 on a phone, in Chinese: a community's public page (its CO₂e, its residents on the leaderboard, its
event, its residents' reports: none in the demo) and the open data page with its explanation and CSV, each at zero
serious or critical axe violations."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.browser.axe import assert_accessible
from tests.browser.conftest import scaled, seeded_portal, wait_idle
from tests.support.portal import portal_database_url
from ui.i18n import catalogue

ZH = catalogue("zh")
COMMUNITY = "siming-zengcuoan"
pytestmark = pytest.mark.both_databases


def community_data(data) -> None:
    """Six residents of Zengcuo'an this month, as the fold leaves them (cells, shares and earned totals), two on
    the leaderboard, and one event of the community: what the demo lacks."""
    from db.engine import engine_for
    from db.models import EarnedTotal, OpenDataCell, OpenDataShare, User
    from points.accounts.users import create_user
    from points.checkin.checkpoints import create_checkpoint, publish
    from points.common.clock import utcnow

    now = utcnow()
    with Session(engine_for(portal_database_url(data))) as session, session.begin():
        # a month of its own: in the demo's months, the demo's few residents' withheld cells would (rightly) take
        # the community's cell with them (complementary suppression, points.reports.open_data)
        cell = OpenDataCell(month="2020-01", district="思明", community=COMMUNITY,
                            action_code="metro", residents=6, entries=6, points=12_000, co2e_g=12_000)
        session.add(cell)
        session.flush()
        for n in range(6):
            user = create_user(session, username=f"zeng{n}", password="mudflat-heron-42", district="思明",
                               community=COMMUNITY, leaderboard_opt_in=n < 2, nickname=f"白鹭{n}" if n < 2 else None)
            session.add(OpenDataShare(cell_id=cell.id, user_id=user.id, entries=1, points=2000, co2e_g=2000))
            session.add(EarnedTotal(user_id=user.id, points=2000 + n))
        organizer = session.exec(select(User).where(User.username == "organizer")).one()
        event = create_checkpoint(session, actor_id=organizer.id, kind="event", title_zh="曾厝垵净滩",
                                  title_en="Zengcuo'an beach clean-up", lat=24.43, lon=118.13, community=COMMUNITY,
                                  starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=3), now=now)
        publish(session, actor_id=organizer.id, checkpoint_id=event.id, now=now)


@pytest.fixture(scope="module")
def community_portal(tmp_path_factory):
    data = tmp_path_factory.mktemp("communities")
    with seeded_portal(data) as base:
        community_data(data)
        yield base


def visit(page, url: str, where: str) -> None:
    page.goto(url)
    wait_idle(page)
    assert page.evaluate("document.documentElement.lang") == "zh-CN", where


def test_a_community_page_and_the_open_data_on_a_phone_in_chinese(community_portal, new_page):
    page = new_page(phone=True)
    visit(page, f"{community_portal}/community?c={COMMUNITY}&lang=zh", "community")
    expect(page.get_by_role("heading", name="曾厝垵社区 · 思明区")).to_be_visible(timeout=scaled(30_000))
    expect(page.get_by_text("12.0 千克")).to_be_visible()
    expect(page.get_by_text(ZH["communities.page.members"])).to_be_visible()
    expect(page.get_by_text("曾厝垵净滩")).to_be_visible()
    expect(page.get_by_text(ZH["communities.page.no_reports"].format(days=90))).to_be_visible()  # the demo has none
    assert_accessible(page, "community (zh, phone)")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)  # drawn on a canvas: the AppTest reads its rows

    visit(page, f"{community_portal}/open-data?lang=zh", "open data")
    expect(page.get_by_text("哪些数据不公开，为什么。")).to_be_visible(timeout=scaled(30_000))
    expect(page.get_by_text(re.compile(r"^已公开 1 组，隐去 \d+ 组。$"))).to_be_visible()  # the demo's few are withheld
    with page.expect_download() as download:
        page.get_by_role("button", name=ZH["open_data.download"]).click()
    rows = download.value.path().read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("month,district,community,") and any(COMMUNITY in row for row in rows[1:])
    assert_accessible(page, "open data (zh, phone)")
