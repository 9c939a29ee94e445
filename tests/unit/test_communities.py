"""Communities (社区) within districts (issue 17, point 2): the city's list as configuration, a resident's choice
checked against their district before anything is written, community boards and a community's events."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import User
from points.accounts.districts import choose_district
from points.checkin.checkpoints import create_checkpoint, list_upcoming, publish
from points.common.errors import DomainError
from points.communities.registry import ASSET, communities, communities_of, parse_communities
from points.places.registry import DISTRICTS
from points.reports.rollups import refresh_rollups
from points.score.leaderboard import board
from tests.support.ledger import credit
from ui.i18n import catalogue

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


def home_of(username: str) -> tuple[str | None, str | None]:
    with read_session() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return user.district, user.community


def test_the_shipped_list_is_the_citys_districts_and_says_it_is_to_complete():
    data = json.loads(ASSET.read_text(encoding="utf-8"))
    assert set(data["districts"]) <= set(DISTRICTS)
    assert "to complete" in data["about"] and "not from an official register" in data["about"]
    assert [community.name_zh for community in communities_of("思明")][:2] == ["曾厝垵社区", "沙坡尾社区"]
    assert all(community.name_zh.endswith("社区") for community in communities())


@pytest.mark.parametrize("text", [
    '{"districts": {"鼓浪屿": [{"id": "x", "name_zh": "某社区", "name_en": "X"}]}}',
    '{"districts": {"思明": [{"id": "a", "name_zh": "甲社区", "name_en": "A"}],'
    ' "湖里": [{"id": "a", "name_zh": "乙社区", "name_en": "B"}]}}',
    '{"districts": {"思明": [{"id": "Bad Id", "name_zh": "甲社区", "name_en": "A"}]}}'])
def test_a_list_with_an_unknown_district_a_repeated_or_bad_id_is_refused_on_load(text):
    with pytest.raises(ValueError):
        parse_communities(text)


def test_choosing_a_community_of_the_district_stores_both(make_user):
    ann = make_user("ann")
    with write_session() as session:
        choose_district(session, user_id=ann.id, district="思明", community="siming-zengcuoan")
    assert home_of("ann") == ("思明", "siming-zengcuoan")
    with write_session() as session:
        choose_district(session, user_id=ann.id, district="湖里")
    assert home_of("ann") == ("湖里", None)  # a new district without a community clears the old community


@pytest.mark.parametrize(("district", "community", "code"), [
    ("湖里", "siming-zengcuoan", "community_not_in_district"),
    (None, "siming-zengcuoan", "community_not_in_district"),
    ("思明", "siming-atlantis", "community_unknown")])
def test_a_community_outside_the_district_is_refused_and_nothing_is_written(make_user, district, community, code):
    ann = make_user("ann", district="集美", community="jimei-dashe")
    with pytest.raises(DomainError) as refused, write_session() as session:
        choose_district(session, user_id=ann.id, district=district, community=community)
    assert refused.value.code == code
    assert home_of("ann") == ("集美", "jimei-dashe")
    assert catalogue("zh")[f"error.{code}"].endswith("没有保存任何内容。")
    assert catalogue("en")[f"error.{code}"].endswith("Nothing was saved.")


def test_the_community_board_lists_its_opted_in_residents_only(make_user):
    ann = make_user("ann", district="思明", community="siming-zengcuoan", leaderboard_opt_in=True, nickname="Egret")
    cat = make_user("cat", district="思明", community="siming-zengcuoan")  # not on the boards
    bob = make_user("bob", district="湖里", community="huli-gaodian", leaderboard_opt_in=True, nickname="Heron")
    dan = make_user("dan", district="思明", community="siming-zengcuoan", leaderboard_opt_in=True, nickname="Tern")
    for user, points in ((ann, 120), (cat, 500), (bob, 900), (dan, 300)):
        credit(user.id, points, now=NOW)
    refresh_rollups()
    with read_session() as session:
        zengcuoan = board(session, period="all", community="siming-zengcuoan", viewer_id=ann.id, now=NOW)
    assert [(row.rank, row.nickname, row.points) for row in zengcuoan.top] == [(1, "Tern", 300), (2, "Egret", 120)]
    assert zengcuoan.me is not None and zengcuoan.me.rank == 2 and zengcuoan.size == 2


def test_a_communitys_page_lists_its_own_upcoming_events(make_user):
    olga = make_user("olga", role="organizer")
    fields = dict(title_zh="净滩", title_en="Beach clean-up", lat=24.43, lon=118.12,
                  starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=1, hours=3))
    with write_session() as session:
        ours = create_checkpoint(session, actor_id=olga.id, kind="event", community="siming-zengcuoan", now=NOW,
                                 **fields)
        other = create_checkpoint(session, actor_id=olga.id, kind="event", now=NOW, **fields)
        for checkpoint in (ours, other):
            publish(session, actor_id=olga.id, checkpoint_id=checkpoint.id, now=NOW)
        ours_id = ours.id
    with read_session() as session:
        assert [event.id for event in list_upcoming(session, community="siming-zengcuoan", now=NOW)] == [ours_id]
        assert len(list_upcoming(session, now=NOW)) == 2
    with pytest.raises(DomainError) as refused, write_session() as session:
        create_checkpoint(session, actor_id=olga.id, kind="event", community="atlantis", now=NOW, **fields)
    assert refused.value.code == "community_unknown"
