"""A community's environmental reports as its page shows them (points.reports.community_reports): the community a
report was filed in, the map's window, kind, status and day only, and no list that points at fewer than 5
different reporters, on its own or as what the map's pins leave over."""
from datetime import timedelta
from itertools import count

from db.engine import read_session, write_session
from points.accounts.districts import choose_district
from points.accounts.privacy import delete_my_account
from points.common.clock import local_day, utcnow
from points.problems.rules import MAX_NEW_PER_DAY
from points.problems.views import PUBLIC_DAYS
from points.reports.community_reports import LATEST, CommunityReports, PublicReport, reports_of_community
from tests.support.admin import with_catalogue
from tests.support.problems import BEACH, file, north_of, report, step

NOW = utcnow()
NAMES = count(1)  # usernames and spots of their own
DISTRICT_OF = {"siming-zengcuoan": "思明", "siming-shapowei": "思明", "huli-gaodian": "湖里", "jimei-dashe": "集美",
               "siming-gone": "思明"}  # the last is not on the city's list (any more)
NOTHING = CommunityReports(withheld=False, by_status=[], latest=[])
WITHHELD = CommunityReports(withheld=True, by_status=[], latest=[])


def reporters(make_user, community: str | None, residents: int, *, reports_each: int = 1,
              kind: str = "marine_litter", district: str | None = None, now=NOW) -> list[int]:
    """`residents` new residents of the community, each filing `reports_each` reports, 100 m from the last one."""
    ids: list[int] = []
    for _ in range(residents):
        user = make_user(f"reporter{next(NAMES)}", district=district or DISTRICT_OF.get(community or ""),
                         community=community)
        for _ in range(reports_each):
            ids.append(file(user.id, kind=kind, spot=north_of(BEACH, 100 * next(NAMES)), now=now))
    return ids


def shown(community: str, *, now=NOW) -> CommunityReports:
    with read_session() as session:
        return reports_of_community(session, community=community, now=now)


def test_five_reporters_list_kind_status_and_day_newest_first_with_a_count_by_status(make_user):
    with_catalogue()
    admin = make_user("ada", role="admin")
    older = reporters(make_user, "siming-zengcuoan", 4, now=NOW - timedelta(days=3))
    newest = reporters(make_user, "siming-zengcuoan", 1, kind="overflowing_bin")
    step(admin.id, older[0], "confirm")
    found = shown("siming-zengcuoan")
    assert not found.withheld
    assert found.by_status == [("new", 4), ("confirmed", 1)]
    assert found.latest[0] == PublicReport("overflowing_bin", "new", local_day(report(newest[0]).created_at))
    assert [(item.kind, item.status) for item in found.latest[1:]].count(("marine_litter", "new")) == 3
    assert len(found.latest) == 5
    assert shown("siming-shapowei") == NOTHING  # none there, though in the same district: nothing withheld


def test_a_report_keeps_the_community_it_was_filed_in_on_that_page_only_even_after_its_reporter_moves(make_user):
    """Five residents of 曾厝垵 and five of 沙坡尾, both in 思明: each page lists its own residents' reports; when one
    resident of 曾厝垵 moves to 沙坡尾, their old report stays on 曾厝垵's page and their next one goes to 沙坡尾's."""
    ours = reporters(make_user, "siming-zengcuoan", 5)
    reporters(make_user, "siming-shapowei", 5, kind="overflowing_bin")
    mover = report(ours[0]).reporter_id
    assert (report(ours[0]).district, report(ours[0]).community) == ("思明", "siming-zengcuoan")
    assert shown("siming-zengcuoan").by_status == [("new", 5)]
    assert {item.kind for item in shown("siming-zengcuoan").latest} == {"marine_litter"}
    assert {item.kind for item in shown("siming-shapowei").latest} == {"overflowing_bin"}

    with write_session() as session:
        choose_district(session, user_id=mover, district="思明", community="siming-shapowei")
    later = file(mover, kind="blocked_trail", spot=north_of(BEACH, 100 * next(NAMES)))
    assert report(ours[0]).community == "siming-zengcuoan" and report(later).community == "siming-shapowei"
    assert shown("siming-zengcuoan").by_status == [("new", 5)]
    assert {item.kind for item in shown("siming-zengcuoan").latest} == {"marine_litter"}
    assert shown("siming-shapowei").by_status == [("new", 6)]
    assert "blocked_trail" in {item.kind for item in shown("siming-shapowei").latest}


def test_fewer_than_five_different_reporters_are_withheld_however_many_reports(make_user):
    reporters(make_user, "huli-gaodian", 2, reports_each=3)
    assert shown("huli-gaodian") == WITHHELD


def test_residents_of_the_district_in_another_community_or_none_do_not_count_for_a_community(make_user):
    reporters(make_user, "siming-zengcuoan", 4)
    reporters(make_user, "siming-shapowei", 3)
    reporters(make_user, None, 3, district="思明")  # a district and no community: on the map, on no page
    assert shown("siming-zengcuoan") == WITHHELD and shown("siming-shapowei") == WITHHELD


def test_the_map_pins_left_over_cannot_give_back_a_withheld_community(make_user):
    """Six reporters in 高殿, five in 曾厝垵, two in 大社: 大社 is withheld, and the map minus the lists of 高殿 and
    曾厝垵 would be 大社's two reporters' pins, so the smallest published community, 曾厝垵, is withheld with it."""
    reporters(make_user, "huli-gaodian", 6)
    reporters(make_user, "siming-zengcuoan", 5)
    reporters(make_user, "jimei-dashe", 2)
    assert [shown(community).withheld for community in ("huli-gaodian", "siming-zengcuoan", "jimei-dashe")] == [
        False, True, True]


def test_a_community_the_city_no_longer_lists_is_left_over_too(make_user):
    """Its reports are on no page, so its two reporters are what the map minus the lists would give back."""
    reporters(make_user, "huli-gaodian", 6)
    reporters(make_user, "siming-zengcuoan", 5)
    reporters(make_user, "siming-gone", 2)
    assert [shown(community).withheld for community in ("huli-gaodian", "siming-zengcuoan")] == [False, True]


def test_withheld_reports_of_enough_different_people_need_no_second_withholding(make_user):
    reporters(make_user, "huli-gaodian", 6)
    reporters(make_user, "siming-zengcuoan", 5)
    reporters(make_user, "jimei-dashe", 2)
    reporters(make_user, None, 3)  # no community given: never listed, and with 大社's two, five different people
    assert [shown(community).withheld for community in ("huli-gaodian", "siming-zengcuoan", "jimei-dashe")] == [
        False, False, True]


def test_a_deleted_account_s_reports_stay_on_the_community_s_page(make_user):
    ids = reporters(make_user, "siming-zengcuoan", 5)
    delete_my_account(user_id=report(ids[0]).reporter_id, password="correct-horse-9")
    assert report(ids[0]).community == "siming-zengcuoan" and report(ids[0]).note is None
    assert shown("siming-zengcuoan").by_status == [("new", 5)]


def test_the_list_leaves_with_the_maps_window(make_user):
    reporters(make_user, "siming-zengcuoan", 5)
    assert shown("siming-zengcuoan", now=NOW + timedelta(days=PUBLIC_DAYS, seconds=-1)).by_status == [("new", 5)]
    assert shown("siming-zengcuoan", now=NOW + timedelta(days=PUBLIC_DAYS, seconds=1)) == NOTHING


def test_the_list_stops_at_the_newest_while_the_counts_cover_every_report(make_user):
    reporters(make_user, "siming-zengcuoan", LATEST // MAX_NEW_PER_DAY + 1, reports_each=MAX_NEW_PER_DAY)
    found = shown("siming-zengcuoan")
    assert found.by_status == [("new", LATEST + MAX_NEW_PER_DAY)] and len(found.latest) == LATEST
