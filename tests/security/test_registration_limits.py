"""Medium: registration refuses guessable passwords beyond the common list (zxcvbn) and throttles each client."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import User
from points.accounts import signin
from points.accounts.passwords import check_new_password
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.demo.seed import DEMO_PASSWORD

WEAK_MESSAGE = {"en": "This password is too easy to guess", "zh": "此密码太容易被猜到"}


def _register_page(open_page, monkeypatch, values, *, client="203.0.113.40", lang="en"):
    monkeypatch.setattr("ui.auth.client_address", lambda: client)
    app = open_page("pages/public/register.py", lang=lang)
    for field, value in zip(app.text_input, values, strict=False):
        field.input(value)
    next(b for b in app.button if b.label in ("Create account", "创建账号")).click()
    return app.run()


def _users() -> list[str]:
    with read_session() as session:
        return list(session.exec(select(User.username)).all())


@pytest.mark.parametrize("display_name, password", [
    ("Newbie", "aaaaaaaa"),
    ("Newbie", " " * 12),
    ("Newbie", "23456789"),
    ("Newbie", "abcdefgh"),
    ("Newbie", "newbie2024"),  # the username inside
    ("Lin Xiaoming", "xiaoming88"),  # the display name inside
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_guessable_password_is_refused_with_a_message_and_nothing_is_written(open_page, monkeypatch,
                                                                              display_name, password, lang):
    app = _register_page(open_page, monkeypatch, ("newbie", display_name, password, password), lang=lang)
    assert len(app.error) == 1 and app.error[0].value.startswith(WEAK_MESSAGE[lang])
    assert _users() == [] and "user_id" not in app.session_state


@pytest.mark.parametrize("username, display_name, password", [
    ("resident", "Resident", DEMO_PASSWORD),
    ("ann", "Ann", "correct-horse-9"),  # tests/conftest.py make_user
    ("mei", "Mei", "egret-over-the-sea"),
    ("newbie", "Newbie", "mangrove-walk-77"),
])
def test_the_passwords_the_portal_documents_and_tests_use_still_pass(username, display_name, password):
    check_new_password(password, username=username, display_name=display_name)


def _register(number: int, *, client: str, now):
    return signin.register(client=client, now=now, username=f"farm{number}", display_name=f"Farm {number}",
                           password="mangrove-walk-77")


def test_one_client_makes_at_most_five_accounts_an_hour(open_page, monkeypatch):
    farm, now = "198.51.100.77", utcnow()
    for number in range(5):
        _register(number, client=farm, now=now)
    with pytest.raises(DomainError) as refused:
        _register(5, client=farm, now=now + timedelta(minutes=59))
    assert (refused.value.code, refused.value.params) == ("registration_throttled", {"minutes": 1})
    assert _register(5, client="203.0.113.41", now=now).user.username == "farm5"  # another client is not held
    assert _register(6, client=farm, now=now + timedelta(hours=1)).user.username == "farm6"
    assert len(_users()) == 7


def test_the_held_back_client_is_told_on_the_page_and_nothing_is_written(open_page, monkeypatch):
    farm = "198.51.100.78"
    for number in range(5):
        _register(number, client=farm, now=utcnow())
    app = _register_page(open_page, monkeypatch, ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"),
                         client=farm)
    assert [e.value for e in app.error] == [
        "Too many accounts were created from this network just now. Please try again in 60 min."]
    assert "newbie" not in _users() and "user_id" not in app.session_state
