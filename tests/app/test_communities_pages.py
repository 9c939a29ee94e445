"""The pages of issue 17's communities and open data as a resident or visitor sees them: a community chosen with
the district (and one outside it refused, in Chinese, nothing written), a community's public page, and the open
data with its small groups withheld."""
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import User
from tests.support.ledger import credit
from tests.support.problems import BEACH, file, north_of

pytestmark = pytest.mark.timeout(180)
REGISTER, ACCOUNT = "pages/public/register.py", "pages/resident/account.py"
COMMUNITY, OPEN_DATA = "pages/public/community.py", "pages/public/open_data.py"
NOT_IN_DISTRICT = "这个社区属于另一个区。请选择它所在的区，或将社区设为“不填写”。没有保存任何内容。"
NOW = datetime.now(UTC)


def home_of(username: str) -> tuple[str | None, str | None] | None:
    with read_session() as session:
        user = session.exec(select(User).where(User.username == username)).one_or_none()
        return (user.district, user.community) if user else None


def save_home(app, district: str, community: str):
    app.selectbox(key="account_district").set_value(district)
    app.selectbox(key="account_community").set_value(community)
    next(button for button in app.button if button.label in ("Save district", "保存所在区")).click()
    return app.run()


def test_the_account_page_offers_the_citys_communities_with_their_district_and_saves_one(make_user, open_page):
    ann = make_user("ann", district="集美")
    app = open_page(ACCOUNT, ann, lang="zh")
    box = app.selectbox(key="account_community")
    assert box.options[0] == "不填写" and "曾厝垵社区（思明区）" in box.options
    app = save_home(app, "思明", "siming-zengcuoan")
    assert [message.value for message in app.success] == ["已保存：您现在计入思明区曾厝垵社区。"]
    assert home_of("ann") == ("思明", "siming-zengcuoan")


def test_a_community_outside_the_chosen_district_is_refused_in_chinese_and_nothing_is_written(make_user, open_page):
    ann = make_user("ann", district="集美", community="jimei-dashe")
    app = save_home(open_page(ACCOUNT, ann, lang="zh"), "湖里", "siming-zengcuoan")
    assert [error.value for error in app.error] == [NOT_IN_DISTRICT]
    assert not app.success
    assert home_of("ann") == ("集美", "jimei-dashe")


def register(open_page, *, district: str, community: str):
    app = open_page(REGISTER, lang="zh")
    for field, value in zip(app.text_input, ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"), strict=False):
        field.input(value)
    app.selectbox(key="register_district").set_value(district)
    app.selectbox(key="register_community").set_value(community)
    app.button[0].click()  # the form's only button: create the account
    return app.run()


def test_registering_with_a_community_of_another_district_creates_no_account(open_page):
    app = register(open_page, district="湖里", community="siming-zengcuoan")
    assert [error.value for error in app.error] == [NOT_IN_DISTRICT]
    assert home_of("newbie") is None


def test_registering_with_a_community_of_the_district_stores_it(open_page):
    app = register(open_page, district="湖里", community="huli-gaodian")
    assert not app.error and home_of("newbie") == ("湖里", "huli-gaodian")


@pytest.fixture
def zengcuoan(make_user):
    """Six residents of Zengcuo'an who took the metro this month, two of them on the leaderboard."""
    for n in range(6):
        user = make_user(f"zeng{n}", district="思明", community="siming-zengcuoan", leaderboard_opt_in=n < 2,
                         nickname=f"白鹭{n}" if n < 2 else None)
        credit(user.id, 1000 + n, co2e_g=2000, now=NOW)


def test_a_visitor_sees_a_communitys_total_and_only_its_opted_in_members(zengcuoan, open_page):
    app = open_page(COMMUNITY, lang="zh", query={"c": "siming-zengcuoan"})
    assert not app.exception
    assert app.header[0].value == "曾厝垵社区 · 思明区"
    assert app.metric[0].value == "12.0 千克"
    members = app.dataframe[0].value
    assert list(members["昵称"]) == ["白鹭1", "白鹭0"] and len(members) == 2
    assert "本社区近期没有活动。" in [text.value for text in app.markdown]


def test_a_signed_in_resident_lands_on_their_own_community(make_user, open_page):
    bob = make_user("bob", district="湖里", community="huli-gaodian")
    app = open_page(COMMUNITY, bob)
    assert app.selectbox(key="community_page").value == "huli-gaodian"
    assert app.metric[0].value == "0 g"


def test_the_open_data_page_explains_what_is_withheld_and_lists_published_groups_only(zengcuoan, make_user,
                                                                                      open_page):
    for n in range(2):
        credit(make_user(f"huli{n}", district="湖里", community="huli-gaodian").id, 500, action_code="bus", now=NOW)
    app = open_page(OPEN_DATA, lang="zh")
    assert not app.exception
    about = app.markdown[0].value
    assert "少于 5 人" in about and "首页上全市的月度总量" in about
    assert "已公开 0 组，隐去 2 组。" in [caption.value for caption in app.caption]  # the metro group goes too
    assert not app.dataframe


def test_the_open_data_page_lists_a_group_of_five_or_more(zengcuoan, open_page):
    app = open_page(OPEN_DATA)
    assert "1 groups published, 0 withheld." in [caption.value for caption in app.caption]
    by_community = app.dataframe[2].value
    assert list(by_community["Community"]) == ["Zengcuo'an"] and list(by_community["CO₂e avoided"]) == ["12.0 kg"]


def test_the_open_data_page_counts_the_reports_by_kind_and_status_in_chinese(make_user, open_page):
    ann, bob = make_user("ann"), make_user("bob")
    file(ann.id, kind="marine_litter")
    file(bob.id, kind="marine_litter", spot=north_of(BEACH, 500))
    file(bob.id, kind="overflowing_bin", spot=north_of(BEACH, 900))
    app = open_page(OPEN_DATA, lang="zh")
    assert not app.exception
    reports = app.dataframe[-1].value
    assert [tuple(row) for row in reports.itertuples(index=False)] == [("海漂及沙滩垃圾", "待核实", "2"),
                                                                       ("垃圾桶满溢", "待核实", "1")]
