"""Sign-in, sign-out, registration and language through the portal, as AppTest sees them."""
from sqlmodel import select

from db.engine import read_session
from db.models import SignInSession, User


def _fill_signin(app, username, password):
    app.text_input(key="signin_username").input(username)
    app.text_input(key="signin_password").input(password)
    next(b for b in app.button if b.label in ("Sign in", "登录")).click()
    return app.run()


def test_a_visitor_signs_in_and_gets_a_server_side_session(make_user, open_page):
    make_user("mei", password="egret-over-the-sea")
    app = _fill_signin(open_page("pages/public/signin.py"), "mei", "egret-over-the-sea")
    assert not app.exception
    assert app.session_state["user_id"] is not None
    with read_session() as session:
        rows = session.exec(select(SignInSession)).all()
    assert len(rows) == 1 and rows[0].ended_at is None and rows[0].handoff_hash is not None
    assert any("Signed in as Mei" in caption.value for caption in app.sidebar.caption)


def test_a_wrong_password_shows_the_translated_refusal(make_user, open_page):
    make_user("mei", password="egret-over-the-sea")
    app = _fill_signin(open_page("pages/public/signin.py", lang="zh"), "mei", "wrong-password")
    assert [e.value for e in app.error] == ["用户名或密码错误，请重试。"]
    assert "user_id" not in app.session_state


def test_register_refuses_a_common_password_and_writes_nothing(open_page):
    app = open_page("pages/public/register.py")
    for field, value in zip(app.text_input, ("newbie", "Newbie", "password123", "password123"), strict=False):
        field.input(value)
    next(b for b in app.button if b.label == "Create account").click()
    app.run()
    assert any("too common" in e.value for e in app.error)
    with read_session() as session:
        assert session.exec(select(User)).all() == []


def test_register_signs_the_new_resident_in(open_page):
    app = open_page("pages/public/register.py")
    for field, value in zip(app.text_input, ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"), strict=False):
        field.input(value)
    next(b for b in app.button if b.label == "Create account").click()
    app.run()
    assert not app.exception and not app.error
    with read_session() as session:
        user = session.exec(select(User)).one()
    assert (user.username, user.role, user.language) == ("newbie", "resident", "en")
    assert app.session_state["user_id"] == user.id


def test_sign_out_ends_the_session(make_user, open_page):
    make_user("mei", password="egret-over-the-sea")
    app = _fill_signin(open_page("pages/public/signin.py"), "mei", "egret-over-the-sea")
    app.sidebar.button(key="sign_out").click()
    app.run()
    assert "user_id" not in app.session_state
    with read_session() as session:
        assert session.exec(select(SignInSession)).one().ended_at is not None


def test_language_follows_the_query_then_sticks_to_the_user(make_user, open_page):
    user = make_user("mei")
    app = open_page(None, user, lang="zh", query={"lang": "en"})
    assert app.session_state["lang"] == "en"
    with read_session() as session:
        assert session.get(User, user.id).language == "en"


def test_browser_locale_picks_the_default_language(open_page):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP_FILE

    for locale, expected in (("en-US", "en"), ("zh-CN", "zh"), ("fr-FR", "zh")):
        app = AppTest.from_file(APP_FILE, default_timeout=60)
        app.context["locale"] = locale
        app.run()
        assert app.session_state["lang"] == expected
