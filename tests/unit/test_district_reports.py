"""A district's environmental reports as its communities' pages show them (points.reports.district_reports): the
district a report was filed in, the map's window, kind, status and day only, and no list that points at fewer
than 5 different reporters, on its own or as what the map's pins leave over."""
from datetime import timedelta
from itertools import count

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import User
from points.common.clock import local_day, utcnow
from points.problems.rules import MAX_NEW_PER_DAY
from points.problems.views import PUBLIC_DAYS
from points.reports.district_reports import LATEST, DistrictReports, PublicReport, district_reports
from tests.support.admin import with_catalogue
from tests.support.problems import BEACH, file, north_of, report, step

NOW = utcnow()
NAMES = count(1)  # usernames and spots of their own


def reporters(make_user, district: str | None, residents: int, *, reports_each: int = 1, kind: str = "marine_litter",
              now=NOW) -> list[int]:
    """`residents` new residents of the district, each filing `reports_each` reports, 100 m from the last one."""
    ids: list[int] = []
    for _ in range(residents):
        user = make_user(f"reporter{next(NAMES)}", district=district)
        for _ in range(reports_each):
            ids.append(file(user.id, kind=kind, spot=north_of(BEACH, 100 * next(NAMES)), now=now))
    return ids


def shown(district: str, *, now=NOW) -> DistrictReports:
    with read_session() as session:
        return district_reports(session, district=district, now=now)


def test_five_reporters_list_kind_status_and_day_newest_first_with_a_count_by_status(make_user):
    with_catalogue()
    admin = make_user("ada", role="admin")
    older = reporters(make_user, "思明", 4, now=NOW - timedelta(days=3))
    newest = reporters(make_user, "思明", 1, kind="overflowing_bin")
    step(admin.id, older[0], "confirm")
    found = shown("思明")
    assert not found.withheld
    assert found.by_status == [("new", 4), ("confirmed", 1)]
    assert found.latest[0] == PublicReport("overflowing_bin", "new", local_day(report(newest[0]).created_at))
    assert [(item.kind, item.status) for item in found.latest[1:]].count(("marine_litter", "new")) == 3
    assert len(found.latest) == 5
    assert shown("湖里") == DistrictReports(withheld=False, by_status=[], latest=[])  # none there: nothing withheld


def test_fewer_than_five_different_reporters_are_withheld_however_many_reports(make_user):
    reporters(make_user, "湖里", 2, reports_each=3)
    assert shown("湖里") == DistrictReports(withheld=True, by_status=[], latest=[])


def test_the_map_pins_left_over_cannot_give_back_a_withheld_district(make_user):
    """Six reporters in 湖里, five in 思明, two in 集美: 集美 is withheld, and the map minus the lists of 湖里 and 思明
    would be 集美's two reporters' pins, so the smallest published district, 思明, is withheld with it."""
    reporters(make_user, "湖里", 6)
    reporters(make_user, "思明", 5)
    reporters(make_user, "集美", 2)
    assert [shown(district).withheld for district in ("湖里", "思明", "集美")] == [False, True, True]


def test_withheld_reports_of_enough_different_people_need_no_second_withholding(make_user):
    reporters(make_user, "湖里", 6)
    reporters(make_user, "思明", 5)
    reporters(make_user, "集美", 2)
    reporters(make_user, None, 3)  # no district given: never listed, and with 集美's two, five different people
    assert [shown(district).withheld for district in ("湖里", "思明", "集美")] == [False, False, True]


def test_a_report_stays_in_the_district_it_was_filed_in_and_leaves_with_the_maps_window(make_user):
    ids = reporters(make_user, "思明", 5)
    with write_session() as session:  # one reporter moves away: their report does not follow them
        mover = session.exec(select(User).where(User.id == report(ids[0]).reporter_id)).one()
        mover.district = "湖里"
        session.add(mover)
    assert shown("思明").by_status == [("new", 5)] and not shown("湖里").latest
    assert shown("思明", now=NOW + timedelta(days=PUBLIC_DAYS, seconds=-1)).by_status == [("new", 5)]
    assert shown("思明", now=NOW + timedelta(days=PUBLIC_DAYS, seconds=1)).by_status == []


def test_the_list_stops_at_the_newest_while_the_counts_cover_every_report(make_user):
    reporters(make_user, "思明", LATEST // MAX_NEW_PER_DAY + 1, reports_each=MAX_NEW_PER_DAY)  # a day's most each
    found = shown("思明")
    assert found.by_status == [("new", LATEST + MAX_NEW_PER_DAY)] and len(found.latest) == LATEST
