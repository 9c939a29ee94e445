"""A community's page lists the environmental reports its residents filed as a visitor sees them: kind, status and
day in the reader's language with a count by status, never a reporter's name or note, and not those of another
community of the district; a community of too few reporters shows none, and says why."""
import pytest
from babel.dates import format_date

from points.common.clock import local_day
from tests.support.admin import with_catalogue
from tests.support.problems import BEACH, file, north_of, report, step
from ui.i18n import BABEL_LOCALES

pytestmark = pytest.mark.timeout(180)
COMMUNITY = "pages/public/community.py"
NOTE = "My neighbour 王先生 dumps here, call 138 0000 0000"


def reporters(make_user, district: str, community: str, count: int, *, first: int = 0,
              kind: str = "marine_litter") -> list[int]:
    """`count` residents of the community, each filing one report of `kind` with a note, 300 m apart."""
    return [file(make_user(f"reporter{n}", district=district, community=community, display_name=f"Reporter {n}").id,
                 kind=kind, spot=north_of(BEACH, 300 * n), note=NOTE) for n in range(first, first + count)]


def tables(app, column: str) -> list:
    return [frame.value for frame in app.dataframe if column in frame.value.columns]


def page_text(app) -> str:
    texts = [element.value for kind in (app.markdown, app.caption, app.subheader, app.header) for element in kind]
    return " ".join(texts + [frame.value.to_string() for frame in app.dataframe])


def test_a_visitor_sees_the_communitys_reports_in_chinese_without_names_or_notes(make_user, open_page):
    with_catalogue()
    ids = reporters(make_user, "思明", "siming-zengcuoan", 5)
    step(make_user("ada", role="admin").id, ids[0], "confirm")
    # another community of the same district (of 5 too, or 曾厝垵's would go with it): not here
    reporters(make_user, "思明", "siming-shapowei", 5, first=5, kind="overflowing_bin")
    app = open_page(COMMUNITY, lang="zh", query={"c": "siming-zengcuoan"})
    assert not app.exception
    assert "环境问题上报" in [subheader.value for subheader in app.subheader]
    assert any("曾厝垵社区居民在本社区居住期间提交、近 90 天内" in caption.value for caption in app.caption)
    [counts] = tables(app, "上报数")
    assert [tuple(row) for row in counts.itertuples(index=False)] == [("待核实", "4"), ("已确认", "1")]
    [latest] = tables(app, "上报日期")
    day = format_date(local_day(report(ids[0]).created_at), format="medium", locale=BABEL_LOCALES["zh"])
    assert list(latest.columns) == ["上报日期", "类别", "状态"] and len(latest) == 5
    assert set(latest["上报日期"]) == {day} and set(latest["类别"]) == {"海漂及沙滩垃圾"}
    assert sorted(latest["状态"]) == ["已确认", "待核实", "待核实", "待核实", "待核实"]
    shown = page_text(app)
    assert "王先生" not in shown and "138 0000" not in shown and "Reporter" not in shown


def test_the_other_community_of_the_district_shows_only_its_own_residents_reports(make_user, open_page):
    reporters(make_user, "思明", "siming-zengcuoan", 5)
    reporters(make_user, "思明", "siming-shapowei", 5, first=5, kind="overflowing_bin")
    app = open_page(COMMUNITY, lang="en", query={"c": "siming-shapowei"})
    assert not app.exception
    assert any("The reports that residents of Shapowei filed while they lived here" in caption.value
               for caption in app.caption)
    [latest] = tables(app, "Reported on")
    assert len(latest) == 5 and set(latest["Kind"]) == {"Overflowing bin"}


def test_a_community_of_too_few_reporters_shows_none_and_says_why(make_user, open_page):
    reporters(make_user, "湖里", "huli-gaodian", 4)
    reporters(make_user, "湖里", "huli-fanghu", 5, first=4)  # the district has 9: the community's 4 decide
    app = open_page(COMMUNITY, lang="en", query={"c": "huli-gaodian"})
    assert not app.exception
    assert ("Not shown: too few different residents reported in this time (fewer than 5 in this community, or among "
            "the reports no community page lists), and a list would point at them. The reports are still on the map."
            ) in [text.value for text in app.markdown]
    assert not tables(app, "Status")


def test_a_community_without_reports_says_so(make_user, open_page):
    reporters(make_user, "思明", "siming-zengcuoan", 5)  # its district's: not this community's
    app = open_page(COMMUNITY, lang="en", query={"c": "siming-shapowei"})
    assert ("No environmental report from residents of this community in the last 90 days."
            in [text.value for text in app.markdown])
