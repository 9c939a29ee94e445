"""Leaderboards rank opted-in residents fairly; badges and the 云海线 segments follow the documented rules."""
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import read_session, write_session
from db.models import Checkpoint
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import record_verified
from points.common.clock import week_start
from points.common.errors import DomainError
from points.ledger.chain import post
from points.places.trails import segments_in_note, trail_nodes
from points.reports.rollups import refresh_rollups
from points.score.badges import badges
from points.score.leaderboard import board, set_leaderboard
from tests.support.ledger import credit

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # a Wednesday


def ranks(period="all", district=None, viewer=None):
    refresh_rollups()  # as the leaderboard page does: fold the newest credits into the earned totals first
    with read_session() as session:
        return board(session, period=period, district=district, viewer_id=viewer, now=NOW)


def test_equal_points_share_a_rank_and_i_see_two_above_and_two_below(make_user):
    users = [make_user(f"user{i}", leaderboard_opt_in=True, nickname=f"N{i}") for i in range(14)]
    for index, user in enumerate(users):
        credit(user.id, 1000 - 50 * index if index != 3 else 900, now=NOW)
    result = ranks(viewer=users[8].id)
    assert [row.rank for row in result.top[:5]] == [1, 2, 3, 3, 5]
    assert len(result.top) == 10 and result.size == 14
    assert [row.nickname for row in result.around_me] == ["N6", "N7", "N8", "N9", "N10"]
    assert result.me.rank == 9 and [row.me for row in result.around_me] == [False, False, True, False, False]


def test_a_tie_that_starts_above_my_window_keeps_its_rank_in_it(make_user):
    users = [make_user(f"user{i}", leaderboard_opt_in=True, nickname=f"N{i}") for i in range(8)]
    for user, points in zip(users, (500, 400, 300, 300, 300, 300, 200, 100), strict=True):
        credit(user.id, points, now=NOW)
    result = ranks(viewer=users[6].id)
    assert [row.rank for row in result.top] == [1, 2, 3, 3, 3, 3, 7, 8] and result.size == 8
    assert [(row.nickname, row.rank) for row in result.around_me] == [("N4", 3), ("N5", 3), ("N6", 7), ("N7", 8)]


def test_only_opted_in_residents_appear_and_spending_never_costs_a_rank(make_user):
    shy = make_user("shy")
    bold = make_user("bold", leaderboard_opt_in=True, nickname="Bold", district="湖里")
    credit(shy.id, 5000, now=NOW)
    credit(bold.id, 300, now=NOW)
    with write_session() as session:
        post(session, user_id=bold.id, kind="redeem", points=-200, idempotency_key="redeem:x", request={}, now=NOW)
    result = ranks()
    assert [(row.nickname, row.points) for row in result.top] == [("Bold", 300)]
    assert ranks(district="思明").top == [] and len(ranks(district="湖里").top) == 1


def test_the_weekly_board_starts_on_monday_in_xiamen(make_user):
    user = make_user("ann", leaderboard_opt_in=True, nickname="Ann")
    monday = week_start(NOW)
    assert monday == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # Monday 00:00 in Asia/Shanghai
    credit(user.id, 100, now=monday - timedelta(minutes=1))
    credit(user.id, 40, now=monday + timedelta(minutes=1))
    assert [row.points for row in ranks("week").top] == [40]
    assert [row.points for row in ranks("all").top] == [140]


def test_joining_the_board_needs_a_nickname(make_user):
    user = make_user("ann")
    with pytest.raises(DomainError) as refused, write_session() as session:
        set_leaderboard(session, user_id=user.id, opt_in=True, nickname="  ")
    assert refused.value.code == "nickname_invalid"
    with write_session() as session:
        set_leaderboard(session, user_id=user.id, opt_in=True, nickname="Kite")
    credit(user.id, 10, now=NOW)
    assert [row.nickname for row in ranks().top] == ["Kite"]


@pytest.mark.parametrize("note, segments", [
    ("云海线 3", {3}), ("yunhai 2-5", {2, 3, 4, 5}), ("云海线 9 到 12", {9, 10}), ("仙岳山 → 金山", {3, 4, 5, 6, 7}),
    ("from the cruise terminal to 观音山", set(range(1, 11))), ("just 金山", set()), (None, set()),
])
def test_trail_walk_notes_name_the_segments_walked(note, segments):
    assert segments_in_note(note) == segments


def test_badges_follow_credited_actions_and_trailhead_scans_cover_the_segments_between(make_user):
    with write_session() as session:
        load_catalogue(session)
    user = make_user("ann")
    now = datetime.now(UTC)
    nodes = {node["order"]: node for node in trail_nodes()}

    def scan_trailhead(order: int, when: datetime):
        """What a trailhead QR check-in records: a verified trail walk at that checkpoint."""
        with write_session() as session:
            checkpoint = Checkpoint(kind="trailhead", title_zh=nodes[order]["name"], title_en="trailhead",
                                    lat=nodes[order]["lat"] + 0.001, lon=nodes[order]["lon"], starts_at=when,
                                    ends_at=when + timedelta(days=1), action_code="trail_walk", status="open")
            session.add(checkpoint)
            session.flush()
            record_verified(session, user_id=user.id, action_code="trail_walk", quantity=1, occurred_at=when,
                            idempotency_key=f"checkin:{checkpoint.id}:{user.id}", checkpoint_id=checkpoint.id,
                            now=when)

    def earned():
        with read_session() as session:
            return {badge.code: badge for badge in badges(session, user_id=user.id, now=now)}

    assert not any(badge.earned for badge in earned().values())
    scan_trailhead(1, now - timedelta(days=1))
    assert earned()["first_action"].earned and earned()["yunhai_all"].value == 0
    scan_trailhead(6, now - timedelta(days=1))
    assert earned()["yunhai_all"].value == 5
    scan_trailhead(11, now)
    assert earned()["yunhai_all"].value == 5  # one scan on another day covers no segment
    scan_trailhead(6, now)
    assert earned()["yunhai_all"].earned
    assert not earned()["co2e_10kg"].earned and not earned()["volunteer_10h"].earned
