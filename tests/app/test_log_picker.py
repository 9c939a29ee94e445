"""The log page's picker: actions grouped by kind with translated group names, opening on the action the city
credits most often without review (never saved electricity, which always goes to review)."""
from datetime import timedelta

import pytest

from points.common.clock import utcnow
from tests.support.checkin import load_city
from tests.support.ledger import credit

pytestmark = pytest.mark.timeout(180)
LOG = "pages/resident/log.py"


@pytest.fixture(autouse=True)
def catalogue():
    load_city()


def picker(open_page, user, **kwargs):
    return open_page(LOG, user, **kwargs).selectbox(key="log_action")


def credits(user_id: int, code: str, times: int, *, days_ago: int = 1) -> None:
    for _ in range(times):
        credit(user_id, 10, action_code=code, now=utcnow() - timedelta(days=days_ago))


def test_a_new_city_opens_on_the_metro_trip_not_on_saved_electricity(make_user, open_page):
    box = picker(open_page, make_user("ann"))
    assert box.value == "metro"
    assert box.format_func(box.value) == "Green trips · Metro trip"


def test_it_opens_on_the_action_the_city_credited_most_in_the_last_30_days(make_user, open_page):
    ann, bob = make_user("ann"), make_user("bob")
    credits(bob.id, "paper", 3)
    credits(bob.id, "metro", 2)
    credits(bob.id, "bike", 5, days_ago=31)  # more, but a month ago: no longer what the city does
    assert picker(open_page, ann).value == "paper"


def test_an_action_that_always_goes_to_review_is_never_the_opening_one(make_user, open_page):
    bob = make_user("bob")
    credits(bob.id, "electricity", 9)
    credits(bob.id, "walk", 1)
    assert picker(open_page, make_user("ann")).value == "walk"


def test_the_actions_are_listed_group_by_group_with_translated_group_names(make_user, open_page):
    box = picker(open_page, make_user("ann"), lang="zh")
    labels = list(box.options)  # as shown
    groups = [label.split(" · ")[0] for label in labels]
    assert list(dict.fromkeys(groups)) == ["垃圾分类", "绿色出行", "节能", "其他"]
    assert groups == sorted(groups, key=groups.index)  # each group's actions together
    assert "绿色出行 · 乘地铁出行" in labels and "节能 · 节约用电" in labels
    assert box.value == "metro"


def test_a_trail_link_still_chooses_its_own_action(make_user, open_page):
    box = picker(open_page, make_user("ann"), query={"action": "trail_walk", "quantity": "3.5"})
    assert box.value == "trail_walk"
