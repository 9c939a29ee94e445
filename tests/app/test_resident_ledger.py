"""Resident pages in AppTest: home figures, logging an action with its preview, the statement and receipt."""
from datetime import timedelta

import pytest

from points.common.clock import utcnow
from tests.support.ledger import NOON, balance_of, load, log

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(autouse=True)
def catalogue():
    load()


def texts(app) -> str:
    return " ".join(str(element.value) for kind in ("success", "info", "warning", "error", "caption", "markdown")
                    for element in getattr(app, kind))


def test_home_is_the_residents_default_page_with_balance_and_week(make_user, open_page):
    user = make_user("ann")
    log(user.id, "metro", 10, when=utcnow())
    log(user.id, "paper", 2, when=utcnow() - timedelta(days=8), now=utcnow() - timedelta(days=8))
    app = open_page(None, user)
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    # self-reported: half of 467 and of 295
    assert metrics["Points balance"] == "380"
    assert metrics["CO₂e avoided in total"] == "380 g"
    assert metrics["CO₂e avoided this week"] == "233 g"
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")
    assert app.title[0].value == "Hello, Ann"


def test_logging_ten_km_by_metro_previews_then_credits_the_self_reported_233_points(make_user, open_page):
    user = make_user("ann")
    app = open_page("pages/resident/log.py", user)
    app.selectbox(key="log_action").set_value("metro").run()
    app.number_input(key="log_quantity_decimal").set_value(10.0).run()
    assert "10 km · Metro trip ≈ 467 g CO₂e = 467 points (46.7 g/km)" in texts(app)
    assert "Self-reported: 50 % of 467 = 233 points." in texts(app)
    assert "Shenzhen" in texts(app)
    app.button(key="log_submit").click().run()
    assert not app.exception
    assert "233 points added (233 g CO₂e avoided)." in texts(app)
    assert balance_of(user.id).points == 233
    app.button(key="log_another").click().run()
    assert app.button(key="log_submit") is not None and balance_of(user.id).points == 233


def test_over_the_plausibility_limit_says_it_waits_for_review(make_user, open_page):
    user = make_user("ann")
    app = open_page("pages/resident/log.py", user)
    app.selectbox(key="log_action").set_value("walk").run()
    app.number_input(key="log_quantity_decimal").set_value(9.0).run()
    app.button(key="log_submit").click().run()
    assert "Sent for review: the quantity is above 8 km" in texts(app)
    assert balance_of(user.id).points == 0


def test_chinese_preview_and_over_cap_warning(make_user, open_page):
    user = make_user("ann")
    log(user.id, "walk", 4, when=utcnow())
    app = open_page("pages/resident/log.py", user, lang="zh")
    app.selectbox(key="log_action").set_value("walk").run()
    app.number_input(key="log_quantity_decimal").set_value(5.0).run()
    assert "自行申报：350 积分的 50% = 175 积分。" in texts(app)
    app.button(key="log_submit").click().run()
    # the self-report cap (5 km), not the 10 km verified data may reach
    assert "已增加 35 积分" in texts(app) and "超出当日上限 5 公里：4 公里 未计入积分。" in texts(app)


def test_the_over_cap_warning_counts_meals_in_the_singular_and_plural(make_user, open_page):
    user = make_user("ann")
    log(user.id, "clean_plate", 2, when=utcnow())
    app = open_page("pages/resident/log.py", user)
    app.selectbox(key="log_action").set_value("clean_plate").run()
    app.number_input(key="log_quantity_whole").set_value(2).run()
    app.button(key="log_submit").click().run()
    assert "Over today's cap of 3 meals: 1 meal not credited." in texts(app)


def test_statement_lists_entries_and_the_receipt_verifies_the_chain(make_user, open_page):
    user = make_user("ann")
    log(user.id, "metro", 10)
    log(user.id, "paper", 2)
    app = open_page("pages/resident/ledger.py", user)
    assert not app.exception  # what each card shows is tested in test_ledger_statement_cards.py
    assert "Page 1 of 1 · 2 entries" in texts(app)
    app.button(key="ledger_verify").click().run()
    assert "Your chain of 2 entries is intact and matches your balance." in texts(app)


def test_a_later_page_shows_its_own_entries_and_receipts(make_user, open_page):
    user = make_user("ann")
    for days in range(21):
        log(user.id, "metro", 1, when=NOON - timedelta(days=days))
    app = open_page("pages/resident/ledger.py", user)
    assert app.selectbox(key="ledger_receipt").options == [str(seq) for seq in range(21, 1, -1)]
    app.number_input(key="ledger_page").set_value(2).run()
    assert "Page 2 of 2 · 21 entries" in texts(app)
    assert app.selectbox(key="ledger_receipt").options == ["1"]
    assert "Entry 1 · " in texts(app)


def test_other_roles_still_start_on_their_own_page(make_user, open_page):
    organizer = make_user("olga", role="organizer")
    app = open_page(None, organizer)
    assert not app.exception and app.title[0].value != "Hello, Olga"


def test_a_trail_link_fills_the_form_and_the_walk_is_credited(make_user, open_page):
    user = make_user("ann")
    note = "云海线: 仙岳山 → 金山"
    app = open_page("pages/resident/log.py", user, query={"action": "trail_walk", "quantity": "4.2", "note": note})
    assert app.selectbox(key="log_action").value == "trail_walk"
    assert app.number_input(key="log_quantity_decimal").value == 4.2
    assert app.text_area(key="log_note").value == note
    assert "4.20 km · Trail walk ≈ 294 g CO₂e = 294 points" in texts(app)
    app.button(key="log_submit").click().run()
    assert balance_of(user.id).points == 147  # self-reported: half
