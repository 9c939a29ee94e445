"""The log page states the side path (a self-report's share, how to earn all of it, one trip one credit) and
translates its refusals; a station poster's scan page says how a station credits (AppTest through app.py)."""
from datetime import timedelta

import pytest

from points.checkin.tokens import poster_token
from points.common.clock import utcnow
from tests.support.checkin import load_city, make_checkpoint, points_of
from tests.support.ledger import balance_of, verified
from tests.support.partners import make_partner

pytestmark = pytest.mark.timeout(180)
LOG, CHECKIN = "pages/resident/log.py", "pages/public/checkin.py"


@pytest.fixture(autouse=True)
def catalogue():
    load_city()


def texts(app) -> str:
    return " ".join(str(element.value) for kind in ("success", "info", "warning", "error", "caption", "markdown")
                    for element in getattr(app, kind))


def logging(open_page, user, code: str, quantity: float, *, lang: str = "en"):
    app = open_page(LOG, user, lang=lang)
    app.selectbox(key="log_action").set_value(code).run()
    app.number_input(key="log_quantity_decimal").set_value(quantity).run()
    return app


def test_the_preview_shows_the_self_report_share_the_caps_and_the_one_credit_rule(make_user, open_page):
    app = logging(open_page, make_user("ann"), "metro", 10.0)
    shown = texts(app)
    assert "Self-reported: 50 % of 467 = 233 points." in shown
    assert "Self-reports count up to 20 km a day; verified data (a linked card, an attendant's scale) up to 60 km." \
        in shown
    assert "One trip, one credit" in shown
    assert "Link your metro or bus card" not in shown  # no transit partner yet: no promise the city cannot keep


def test_the_hint_names_the_partner_that_would_verify_and_the_attendant_for_materials(make_user, open_page):
    make_partner("metro-co", kind="transit")
    ann = make_user("ann")
    assert "Link your metro or bus card on your account page to earn the full amount." in texts(
        logging(open_page, ann, "metro", 10.0))
    paper = texts(logging(open_page, ann, "paper", 2.0))
    assert "Self-reported: 50 % of 295 = 147 points." in paper and "station attendant" in paper


def test_the_preview_in_chinese(make_user, open_page):
    make_partner("metro-co", kind="transit")
    shown = texts(logging(open_page, make_user("ann"), "metro", 10.0, lang="zh"))
    assert "自行申报：467 积分的 50% = 233 积分。" in shown
    assert "绑定地铁或公交卡" in shown and "一次出行，只计一次" in shown


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "one trip, one credit, so a self-report of it for the same day is not accepted"),
    ("zh", "同一天的自行申报不再受理")])
def test_a_self_report_next_to_verified_data_is_refused_in_words(make_user, open_page, lang, message):
    ann = make_user("ann")
    verified(ann.id, "metro", 10, when=utcnow(), source="partner")
    app = logging(open_page, ann, "metro", 5.0, lang=lang)
    app.button(key="log_submit").click().run()
    assert not app.exception and message in texts(app)
    assert balance_of(ann.id).points == 467


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Show your personal code (on your home page) to the station attendant"), ("zh", "出示你的个人码")])
def test_scanning_a_station_poster_earns_nothing_and_says_how(make_user, open_page, lang, message):
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    station = make_checkpoint(organizer.id, kind="station", starts_at=now - timedelta(hours=1),
                              ends_at=now + timedelta(days=1))
    app = open_page(CHECKIN, ann, lang=lang, query={"c": str(station), "t": poster_token(station)})
    assert not app.exception and message in texts(app)  # in the outcome panel
    assert points_of(ann.id) == 0
