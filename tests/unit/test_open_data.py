"""The public open data (issue 17, point 6): CO₂e by action, district, community and month, every cell of fewer
than 5 distinct residents withheld, and the month totals the landing page publishes unable to give one back."""
import csv
import io
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import OpenDataCell
from points.communities.registry import Community, communities
from points.ledger.chain import post
from points.reports.dashboard import city_dashboard
from points.reports.open_data import MIN_RESIDENTS, community_total, open_data, public_csv, totals_by
from points.reports.rollups import refresh_rollups
from points.reports.stats import city_months
from tests.support.ledger import credit
from tests.support.statements import statements_sent

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 on 10 March in Xiamen
ZENGCUOAN, GAODIAN = "siming-zengcuoan", "huli-gaodian"
HOMES = {ZENGCUOAN: "思明", GAODIAN: "湖里"}


@pytest.fixture
def residents(make_user):
    """residents(n, community, first=0) -> n residents of that community (named after it and their number)."""
    def make(count: int, community: str, *, first: int = 0) -> list[int]:
        return [make_user(f"{community[-6:]}{first + n}", district=HOMES[community], community=community).id
                for n in range(count)]
    return make


def published() -> list[tuple[str, str, str, int, int]]:
    refresh_rollups()
    with read_session() as session:
        return [(cell.month, cell.community, cell.action_code, cell.residents, cell.co2e_g)
                for cell in open_data(session).cells]


def cells() -> dict[tuple[str, str], tuple[int, int]]:
    """Every cell as the fold keeps it: (community, action) -> (residents, grams)."""
    with read_session() as session:
        return {(cell.community, cell.action_code): (cell.residents, cell.co2e_g)
                for cell in session.exec(select(OpenDataCell))}


def test_a_cell_of_five_residents_is_published_and_one_of_four_is_withheld(residents):
    for user_id in residents(5, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(4, GAODIAN):
        credit(user_id, 100, action_code="bus", now=NOW)
    for user_id in residents(1, GAODIAN, first=10):  # withheld too; with the bus cell 5 people, so no more is
        credit(user_id, 100, action_code="bike", now=NOW)
    assert published() == [("2026-03", ZENGCUOAN, "metro", 5, 500)]
    assert cells()[(GAODIAN, "bus")] == (4, 400)


def test_residents_are_distinct_people_not_entries(residents):
    four = residents(4, ZENGCUOAN)
    for user_id in four:
        for _ in range(3):
            credit(user_id, 100, now=NOW)
    refresh_rollups()
    assert cells()[(ZENGCUOAN, "metro")] == (4, 1200)  # twelve entries, four people: still withheld
    assert published() == []


def test_a_withheld_cell_cannot_be_recovered_from_the_city_month_total(residents):
    """6 residents take the metro in Zengcuo'an and 2 the bus in Gaodian in March. The landing page shows March's
    city total; had the metro cell been published, the total minus it would be the two residents' bus grams."""
    for user_id in residents(6, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(2, GAODIAN):
        credit(user_id, 70, action_code="bus", now=NOW)
    shown = published()
    with read_session() as session:
        march = dict(city_months(session, now=NOW))["2026-03"]
    assert march == 740
    assert shown == []  # the metro cell is withheld with the bus cell: 8 residents behind the difference
    bus_grams = 140
    assert march - sum(row[4] for row in shown) != bus_grams


def test_withheld_cells_of_enough_different_people_need_no_second_suppression(residents):
    for user_id in residents(6, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(3, GAODIAN):
        credit(user_id, 70, action_code="bus", now=NOW)
    for user_id in residents(3, GAODIAN, first=3):
        credit(user_id, 50, action_code="bike", now=NOW)
    # the withheld bus and bike cells hold 6 different residents: their sum (the difference) is about 6 people
    assert published() == [("2026-03", ZENGCUOAN, "metro", 6, 600)]


def test_the_same_few_people_in_several_withheld_cells_count_once(residents):
    for user_id in residents(6, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(3, GAODIAN):
        credit(user_id, 70, action_code="bus", now=NOW)
        credit(user_id, 50, action_code="bike", now=NOW)
    assert published() == []  # bus and bike are the same 3 people: the metro cell goes too


def test_a_credit_reversed_in_full_no_longer_counts_its_resident(residents):
    ids = residents(5, ZENGCUOAN)
    entries = [credit(user_id, 100, now=NOW) for user_id in ids]
    assert published() == [("2026-03", ZENGCUOAN, "metro", 5, 500)]
    with write_session() as session:
        post(session, user_id=ids[0], kind="reversal", points=-100, co2e_g=-100, action_code="metro",
             idempotency_key="reverse:1", original_entry_id=entries[0], request={}, now=NOW)
    assert published() == []
    assert cells()[(ZENGCUOAN, "metro")] == (4, 400)


def test_the_fold_counts_each_entry_once_across_refreshes(residents):
    ids = residents(5, ZENGCUOAN)
    credit(ids[0], 100, now=NOW)
    refresh_rollups()
    refresh_rollups()
    for user_id in ids:
        credit(user_id, 100, now=NOW)
    refresh_rollups()
    assert cells()[(ZENGCUOAN, "metro")] == (5, 600)


def test_totals_and_a_community_total_are_sums_of_published_cells_only(residents, make_user):
    admin = make_user("admin1", role="admin")
    for user_id in residents(5, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
        credit(user_id, 100, now=datetime(2026, 4, 10, 4, 0, tzinfo=UTC))
    for user_id in residents(2, ZENGCUOAN, first=5):
        credit(user_id, 30, action_code="bus", now=NOW)
    refresh_rollups()
    with read_session() as session:
        data = open_data(session)
        # March's bus cell is 2 people, so March's metro cell is withheld with it; April's is all that is left
        assert community_total(session, community=ZENGCUOAN) == 500
        staff_view = city_dashboard(session, actor_id=admin.id).co2e_by_community
    assert totals_by(data.cells, lambda cell: cell.month) == [("2026-04", 500)]
    assert data.withheld == 2
    assert staff_view == [(ZENGCUOAN, 1060)]  # the staff dashboard sees the true total


def test_the_csv_lists_published_cells_only_and_is_safe_in_a_spreadsheet(residents, monkeypatch):
    import points.reports.open_data as module

    evil = Community(id=ZENGCUOAN, district="思明", name_zh='=HYPERLINK("http://evil","x")', name_en="@SUM(A1)")
    monkeypatch.setattr(module, "find_community", lambda _id: evil)
    for user_id in residents(5, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(3, GAODIAN):
        credit(user_id, 100, action_code="bus", now=NOW)
    for user_id in residents(2, GAODIAN, first=3):  # with the bus cell 5 different people: metro stays published
        credit(user_id, 100, action_code="bike", now=NOW)
    refresh_rollups()
    with read_session() as session:
        rows = list(csv.DictReader(io.StringIO(public_csv(session))))
    assert [(row["community"], row["residents"], row["co2e_g"]) for row in rows] == [(ZENGCUOAN, "5", "500")]
    assert rows[0]["community_name_zh"].startswith("'=") and rows[0]["community_name_en"] == "'@SUM(A1)"
    assert int(rows[0]["residents"]) >= MIN_RESIDENTS


def page_totals() -> dict[str, int]:
    """Every community's page total that is not 0, each checked first against the cells open_data() publishes."""
    refresh_rollups()
    with read_session() as session:
        cells = open_data(session).cells
        totals = {community.id: community_total(session, community=community.id) for community in communities()}
    assert totals == {community.id: sum(cell.co2e_g for cell in cells if cell.community == community.id)
                      for community in communities()}
    return {community: total for community, total in totals.items() if total}


def test_a_small_communitys_total_stays_withheld_and_takes_the_smallest_other_with_it(residents):
    for user_id in residents(5, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    for user_id in residents(4, GAODIAN):
        credit(user_id, 100, action_code="bus", now=NOW)
    # Gaodian's four: withheld; Zengcuo'an's five too, or March's city total minus them would be Gaodian's 400 g
    assert page_totals() == {}
    credit(residents(1, GAODIAN, first=4)[0], 100, action_code="bus", now=NOW)
    assert page_totals() == {ZENGCUOAN: 500, GAODIAN: 500}


def test_residents_whose_credits_were_reversed_are_not_among_the_five_behind_a_withheld_cell(residents):
    """Five took the bus in Gaodian and four of them had it reversed in full: the bus cell is one rider's. Had
    their empty shares counted as people, Zengcuo'an's metro cell would be published, and March's total minus it
    (670 - 600 g) would be that one rider's 70 g."""
    for user_id in residents(6, ZENGCUOAN):
        credit(user_id, 100, now=NOW)
    riders = residents(5, GAODIAN)
    entries = [credit(user_id, 70, action_code="bus", now=NOW) for user_id in riders]
    with write_session() as session:
        for user_id, entry_id in list(zip(riders, entries, strict=True))[1:]:
            post(session, user_id=user_id, kind="reversal", points=-70, co2e_g=-70, action_code="bus",
                 idempotency_key=f"reverse:{entry_id}", original_entry_id=entry_id, request={}, now=NOW)
    assert page_totals() == {}
    assert cells()[(GAODIAN, "bus")] == (1, 70)
    with read_session() as session:
        assert dict(city_months(session, now=NOW))["2026-03"] == 670


def test_a_communitys_total_is_one_statement_however_many_months_and_cells(residents):
    people, bikers, riders = residents(5, ZENGCUOAN), residents(2, GAODIAN), residents(3, GAODIAN, first=2)
    for month in (1, 2, 3):  # every month with withheld cells of 5 different people, to be judged month by month
        when = NOW.replace(month=month)
        for user_id in people:
            credit(user_id, 100, now=when)
            credit(user_id, 10, action_code="bus", now=when)
        for user_id in bikers:
            credit(user_id, 40, action_code="bike", now=when)
        for user_id in riders:
            credit(user_id, 30, action_code="bus", now=when)
    assert page_totals() == {ZENGCUOAN: 1650}
    with read_session() as session, statements_sent() as sent:
        assert community_total(session, community=ZENGCUOAN) == 1650
    assert len(sent) == 1
