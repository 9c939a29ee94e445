"""A resident's district: chosen (or "prefer not to say") when registering, changed on the account page, a value
that is not one of the city's districts refused with a message; district boards then count the resident."""
import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import User
from points.reports.rollups import refresh_rollups
from points.score.leaderboard import board
from tests.support.ledger import credit

pytestmark = pytest.mark.timeout(180)
REGISTER, ACCOUNT = "pages/public/register.py", "pages/resident/account.py"


def district_of(username: str) -> str | None:
    with read_session() as session:
        return session.exec(select(User).where(User.username == username)).one().district


def register(open_page, *, lang: str = "en", district: str = ""):
    app = open_page(REGISTER, lang=lang)
    for field, value in zip(app.text_input, ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"), strict=False):
        field.input(value)
    app.selectbox(key="register_district").set_value(district)
    app.button[0].click()  # the form's only button: create the account
    return app.run()


def save_district(app, district: str | None):
    app.selectbox(key="account_district").set_value(district)
    next(button for button in app.button if button.label in ("Save district", "保存所在区")).click()
    return app.run()


def test_registering_with_a_district_stores_it(open_page):
    app = register(open_page, lang="zh", district="湖里")
    assert not app.exception and not app.error
    assert district_of("newbie") == "湖里"


def test_the_register_form_offers_the_six_districts_translated_and_prefer_not_to_say_first(open_page):
    box = open_page(REGISTER, lang="zh").selectbox(key="register_district")
    assert list(box.options) == ["不愿透露", "思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"]
    english = open_page(REGISTER).selectbox(key="register_district")
    assert english.options[0] == "Prefer not to say" and "Xiang'an" in english.options


def test_registering_without_saying_stores_no_district(open_page):
    register(open_page)
    assert district_of("newbie") is None


def test_changing_it_on_the_account_page_stores_it_and_says_so(make_user, open_page):
    ann = make_user("ann", district="思明")
    app = open_page(ACCOUNT, ann)
    assert app.selectbox(key="account_district").value == "思明"
    app = save_district(app, "集美")
    assert district_of("ann") == "集美"
    assert [message.value for message in app.success] == ["Saved: you now count in Jimei."]
    app = save_district(app, "")
    assert district_of("ann") is None
    assert "Saved: you are not counted in any district." in [message.value for message in app.success]


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Choose one of the city's districts, or \"Prefer not to say\". Nothing was saved."),
    ("zh", "请选择本市的一个区，或选择“不愿透露”。没有保存任何内容。")])
def test_a_value_that_is_not_a_district_of_the_city_is_refused_with_a_message(make_user, open_page, monkeypatch,
                                                                               lang, message):
    """A form that offers a district the city does not have (a stale option, a forged request) still writes
    nothing: the domain checks the value against the city's places data, not the form."""
    import ui.district_choice

    monkeypatch.setattr(ui.district_choice, "DISTRICTS", (*ui.district_choice.DISTRICTS, "鼓浪屿"))
    ann = make_user("ann", district="思明")
    app = save_district(open_page(ACCOUNT, ann, lang=lang), "鼓浪屿")
    assert [error.value for error in app.error] == [message]
    assert district_of("ann") == "思明"
    assert not app.success
    app = register(open_page, lang=lang, district="鼓浪屿")
    assert [error.value for error in app.error] == [message]
    with read_session() as session:
        assert session.exec(select(User).where(User.username == "newbie")).one_or_none() is None


def test_the_district_board_counts_a_resident_once_they_choose_their_district(make_user, open_page):
    ann = make_user("ann", leaderboard_opt_in=True, nickname="Egret")
    credit(ann.id, 120)
    refresh_rollups()

    def on_the_huli_board() -> bool:
        with read_session() as session:
            return board(session, period="all", district="湖里", viewer_id=ann.id).me is not None

    assert not on_the_huli_board()
    save_district(open_page(ACCOUNT, ann), "湖里")
    assert on_the_huli_board()


def test_only_residents_choose_a_district(make_user, open_page):
    app = open_page(ACCOUNT, make_user("olga", role="organizer"))
    assert not [box for box in app.selectbox if box.key == "account_district"]
