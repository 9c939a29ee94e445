"""The score page's next step (issue 14): never more verified trips than the daily cap allows, today's credited
kilometres counted against it, spread over the rest of the week only, and the fewest trips that reach the tier."""
from datetime import timedelta

import pytest

from db.engine import read_session
from points.score.facts import load_facts
from points.score.next_step import Trip, advice, plan
from points.score.rules import Fact, compute
from tests.support.ledger import NOON, load, log, verified

METRO = Trip(code="metro", km=10, co2e_g=467, category="trip", daily_cap_km=60)
CATEGORIES = ("waste", "trip", "volunteer", "energy", "other")
SUNDAY = NOON + timedelta(days=5)  # NOON is a Tuesday in Xiamen


def history(count: int, *, grams: int = 500, now=NOON) -> list[Fact]:
    return [Fact(entry_id=i, at=now - timedelta(days=i), co2e_g=grams, category=CATEGORIES[i % 5], verified=True)
            for i in range(1, count + 1)]


def assert_within_caps(step, used_today: float) -> None:
    room = [METRO.daily_cap_km - used_today] + [METRO.daily_cap_km] * (len(step.per_day) - 1)
    assert all(trips * METRO.km <= left for trips, left in zip(step.per_day, room, strict=True))


def test_with_today_free_the_plan_is_the_fewest_trips_and_fits_in_today():
    facts = history(4)
    step = plan(facts, [], NOON, trip=METRO, used_today_km=0)
    assert step.per_day == (4,) and step.tier["min"] == 600
    extra = [Fact(entry_id=100 + i, at=NOON, co2e_g=467, category="trip", verified=True) for i in range(4)]
    assert compute(facts + extra, [], NOON).total >= 600 > compute(facts + extra[:3], [], NOON).total


@pytest.mark.parametrize(("used_today", "per_day"), [
    (0, (6,)),        # before the cap: exactly the six 10 km trips that 60 km allow
    (10, (5, 1)),     # one trip already credited: five fit today, the sixth tomorrow
    (55, (0, 6)),     # 5 km left: no whole 10 km trip fits, all of it from tomorrow
    (60, (0, 6)),     # at the cap: nothing more today
])
def test_trips_today_never_go_beyond_what_the_cap_leaves(used_today, per_day):
    step = plan(history(3), [], NOON, trip=METRO, used_today_km=used_today)
    assert step.per_day == per_day
    assert_within_caps(step, used_today)


def test_a_big_gap_is_spread_over_the_week_at_six_trips_a_day():
    step = plan([], [], NOON, trip=METRO, used_today_km=0)
    assert step.per_day == (6, 6, 6, 3) and step.total == 21
    assert_within_caps(step, 0)


def test_no_plan_when_the_rest_of_the_week_cannot_reach_the_tier():
    assert plan(history(3, now=SUNDAY), [], SUNDAY, trip=METRO, used_today_km=0) is not None
    assert plan(history(3, now=SUNDAY), [], SUNDAY, trip=METRO, used_today_km=60) is None  # Sunday, cap used
    assert plan([], [], SUNDAY, trip=METRO, used_today_km=0) is None  # 21 trips, one day left


def test_todays_credited_metro_kilometres_count_against_the_cap(make_user):
    load()
    sam = make_user("sam")
    verified(sam.id, "metro", 40, source="partner")
    log(sam.id, "metro", 10, when=NOON - timedelta(days=1), now=NOON)  # yesterday's trip is not today's
    with read_session() as session:
        facts, penalties = load_facts(session, user_id=sam.id, until=NOON)
        result = advice(session, user_id=sam.id, facts=facts, penalties=penalties, now=NOON)
    assert result.used_today_km == 40 and result.trip.daily_cap_km == 60 and result.trip.co2e_g == 467
    assert result.step.per_day[0] == 2 and not result.cap_reached_today
