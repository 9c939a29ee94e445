"""The score as a pure function: same history, same score; tiers at their published edges; fair to more work."""
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from points.score.rules import Fact, Penalty, compute, load_rules, tier_for

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CATEGORIES = ("waste", "trip", "volunteer", "energy", "other")


def fact(entry_id: int, days_ago: float, *, co2e_g: int = 500, category: str = "trip", verified: bool = False,
         hours: float = 0.0) -> Fact:
    return Fact(entry_id=entry_id, at=NOW - timedelta(days=days_ago), co2e_g=co2e_g, category=category,
                hours=hours, verified=verified)


facts_strategy = st.lists(
    st.builds(lambda i, days, grams, category, verified, hours: fact(i, days, co2e_g=grams, category=category,
                                                                  verified=verified, hours=hours),
              st.integers(1, 10_000), st.floats(0, 500), st.integers(0, 20_000), st.sampled_from(CATEGORIES),
              st.booleans(), st.floats(0, 8)),
    max_size=40, unique_by=lambda f: f.entry_id)


def test_an_empty_history_scores_the_base_and_is_fair_not_poor():
    score = compute([], [], NOW)
    assert score.total == load_rules()["base"]
    assert score.tier["name_zh"] == "一般"


def test_the_same_history_in_any_order_gives_the_same_score():
    history = [fact(i, i * 3, co2e_g=400 + i, category=CATEGORIES[i % 5], verified=i % 2 == 0) for i in range(1, 60)]
    first = compute(history, [], NOW)
    again = compute(list(reversed(history)), [], NOW)
    assert first == again
    assert first.total > load_rules()["base"]


def test_tiers_change_exactly_at_the_published_thresholds():
    rules = load_rules()
    names = {tier["name_zh"]: tier["min"] for tier in rules["tiers"]}
    assert list(names) == ["不良", "一般", "良好", "优秀", "极好"]
    for name, threshold in names.items():
        assert tier_for(threshold)["name_zh"] == name
        if threshold > rules["minimum"]:
            assert tier_for(threshold - 1)["name_zh"] != name
    assert (names["良好"], names["优秀"], names["极好"]) == (600, 650, 680)


def test_a_score_for_an_earlier_date_ignores_later_actions():
    history = [fact(1, 100), fact(2, 10, co2e_g=50_000)]
    earlier = NOW - timedelta(days=50)
    assert compute(history, [], earlier) == compute(history[:1], [], earlier)


def test_old_actions_decay_and_leave_the_window():
    recent = compute([fact(1, 10, co2e_g=20_000)], [], NOW).components["carbon"].points
    older = compute([fact(1, 250, co2e_g=20_000)], [], NOW).components["carbon"].points
    gone = compute([fact(1, 400, co2e_g=20_000)], [], NOW).components["carbon"].points
    assert recent > older > gone == 0


def test_a_penalty_lowers_the_score_until_an_upheld_appeal_clears_it():
    history = [fact(1, 5)]
    clean = compute(history, [], NOW).total
    penalty = Penalty(key="claim:1", at=NOW - timedelta(days=3))
    assert compute(history, [penalty], NOW).total == clean - load_rules()["components"]["penalty"]["per_case"]
    cleared = Penalty(key="claim:1", at=penalty.at, cleared_at=NOW - timedelta(days=1))
    assert compute(history, [cleared], NOW).total == clean


def test_a_reversed_credit_no_longer_counts():
    reversed_fact = Fact(entry_id=1, at=NOW - timedelta(days=5), co2e_g=30_000, category="trip",
                         reversed_at=NOW - timedelta(days=2))
    assert compute([reversed_fact], [], NOW).components["carbon"].points == 0
    assert compute([reversed_fact], [], NOW - timedelta(days=3)).components["carbon"].points > 0


@settings(max_examples=150, deadline=None)
@given(history=facts_strategy, days_ago=st.floats(0, 400), grams=st.integers(0, 50_000),
       category=st.sampled_from(CATEGORIES), hours=st.floats(0, 8))
def test_one_more_verified_action_never_lowers_the_score(history, days_ago, grams, category, hours):
    before = compute(history, [], NOW)
    extra = fact(20_000, days_ago, co2e_g=grams, category=category, verified=True, hours=hours)
    after = compute(history + [extra], [], NOW)
    assert after.total >= before.total
    for name, component in before.components.items():
        assert after.components[name].points >= component.points
