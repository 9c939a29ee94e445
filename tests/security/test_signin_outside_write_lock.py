"""High 1: argon2 never runs while the SQLite write lock is held (sign-in, registration, password change,
manage.py create-user), and a failed sign-in is still recorded."""
import io

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import read_session
from db.models import SignInThrottle, User
from manage import main as manage
from points.accounts import passwords
from tests.conftest import APP_FILE, on_postgres
from tests.support.lock_probe import calls_under_lock

pytestmark = pytest.mark.skipif(on_postgres(), reason="the probe asks SQLite's file lock; PostgreSQL has row locks")


def _probe(monkeypatch, database, *names):
    return {name: calls_under_lock(monkeypatch, database, passwords, name) for name in names}


def _fill(app, values, button):
    for field, value in zip(app.text_input, values, strict=False):
        field.input(value)
    next(b for b in app.button if b.label == button).click()
    return app.run()


def test_sign_in_verifies_with_the_lock_free_and_still_records_the_failure(database, monkeypatch, make_user,
                                                                            open_page):
    make_user("mei", password="egret-over-the-sea")
    seen = _probe(monkeypatch, database, "verify_password")
    app = _fill(open_page("pages/public/signin.py"), ("mei", "wrong-password"), "Sign in")
    assert [e.value for e in app.error] == ["Wrong username or password. Please try again."]
    with read_session() as session:
        assert session.exec(select(User.failed_signins)).one() == 1
        assert len(session.exec(select(SignInThrottle)).all()) == 3  # pair, client, account
    app = _fill(open_page("pages/public/signin.py"), ("mei", "egret-over-the-sea"), "Sign in")
    assert not app.error and app.session_state["user_id"] is not None
    assert seen["verify_password"] == [False, False]


def test_an_unknown_username_spends_the_dummy_verification_with_the_lock_free(database, monkeypatch, open_page):
    seen = _probe(monkeypatch, database, "verify_password")
    app = _fill(open_page("pages/public/signin.py"), ("nobody", "wrong-password"), "Sign in")
    assert app.error
    assert seen["verify_password"] == [False]


def test_registration_hashes_with_the_lock_free(database, monkeypatch, open_page):
    seen = _probe(monkeypatch, database, "hash_password", "verify_password")
    app = _fill(open_page("pages/public/register.py"),
                ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"), "Create account")
    assert not app.exception and not app.error
    with read_session() as session:
        assert session.exec(select(User.username)).one() == "newbie"
    assert seen["hash_password"] == [False]
    assert True not in seen["verify_password"]


def test_changing_the_password_verifies_and_hashes_with_the_lock_free(database, monkeypatch, make_user):
    user = make_user("mei", password="egret-over-the-sea")
    seen = _probe(monkeypatch, database, "hash_password", "verify_password")
    app = AppTest.from_file(APP_FILE, default_timeout=60)
    app.session_state["lang"], app.session_state["user_id"] = "en", user.id
    app.run()
    app.switch_page("pages/resident/account.py")
    app.run()
    app = _fill(app, ("egret-over-the-sea", "heron-at-low-tide", "heron-at-low-tide"), "Change password")
    assert not app.error and app.success
    with read_session() as session:
        assert passwords.verify_password(session.get(User, user.id).password_hash, "heron-at-low-tide")
    assert seen["verify_password"][:1] == [False] and seen["hash_password"] == [False]


def test_manage_create_user_hashes_before_its_write(database, monkeypatch):
    seen = _probe(monkeypatch, database, "hash_password")
    monkeypatch.setattr("sys.stdin", io.StringIO("sea-breeze-admin-1\n"))
    assert manage(["create-user", "chief", "--role", "admin"]) == 0
    with read_session() as session:
        assert session.exec(select(User.role).where(User.username == "chief")).one() == "admin"
    assert seen["hash_password"] == [False]
