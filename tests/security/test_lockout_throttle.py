"""Medium: wrong passwords back off the client that sends them (and the account only far later and briefly);
they never lock the owner out of the owner's own device, and the owner is told after signing in."""
import re
from datetime import timedelta

import pytest

from points.accounts import signin
from points.common.clock import utcnow
from points.common.errors import DomainError
from tests.support.signin import fail_signins
from ui.client import forwarded_client

OWNER_PASSWORD = "correct-horse-9"  # make_user's
ATTACKER, OWNER_PHONE = "198.51.100.66", "203.0.113.20"


def _attempt(password, *, client, now, username="mei"):
    """The refusal code and its params, or the signed-in result."""
    try:
        return signin.sign_in(username=username, password=password, client=client, now=now)
    except DomainError as error:
        return error.code, error.params


def test_the_attacker_is_backed_off_with_doubling_waits_while_the_owner_signs_in(make_user):
    make_user("mei")
    now = utcnow()
    for _ in range(5):
        assert _attempt("guess-guess", client=ATTACKER, now=now) == ("signin_failed", {})
    waits = []
    for _ in range(4):
        code, params = _attempt("guess-guess", client=ATTACKER, now=now)
        assert code == "signin_throttled"
        waits.append(params["seconds"])
        assert _attempt(OWNER_PASSWORD, client=ATTACKER, now=now)[0] == "signin_throttled"  # even the right one
        now += timedelta(seconds=params["seconds"])
        assert _attempt("guess-guess", client=ATTACKER, now=now) == ("signin_failed", {})
    assert waits == [30, 60, 120, 240]
    signed = _attempt(OWNER_PASSWORD, client=OWNER_PHONE, now=now)
    assert signed.user.username == "mei"
    assert (signed.missed.count, signed.missed.last_at) == (9, now)


def test_the_wait_is_capped_at_fifteen_minutes(make_user):
    make_user("mei")
    now = utcnow()
    fail_signins("mei", times=40, now=now)
    assert _attempt("guess-guess", client=ATTACKER, now=now) == ("signin_throttled", {"seconds": 15 * 60})
    later = now + timedelta(minutes=15)
    assert _attempt(OWNER_PASSWORD, client=ATTACKER, now=later).user.username == "mei"


def test_one_client_trying_many_accounts_is_backed_off_for_all_of_them(make_user):
    make_user("mei")
    now = utcnow()
    for number in range(20):
        fail_signins(f"someone{number}", times=1, now=now)
    assert _attempt("guess-guess", client=ATTACKER, now=now)[0] == "signin_throttled"
    assert _attempt(OWNER_PASSWORD, client=OWNER_PHONE, now=now).user.username == "mei"


def test_only_a_crowd_of_clients_slows_the_account_itself_and_only_for_seconds(make_user):
    make_user("mei")
    now = utcnow()
    for number in range(199):
        fail_signins("mei", client=f"10.0.{number // 250}.{number % 250}", times=1, now=now)
    assert _attempt(OWNER_PASSWORD, client=OWNER_PHONE, now=now).user.username == "mei"
    fail_signins("mei", client="10.9.9.9", times=2, now=now)
    assert _attempt(OWNER_PASSWORD, client=OWNER_PHONE, now=now) == ("signin_throttled", {"seconds": 4})
    assert _attempt(OWNER_PASSWORD, client=OWNER_PHONE, now=now + timedelta(seconds=4)).user.username == "mei"


def _signin_page(open_page, monkeypatch, client, lang="en"):
    monkeypatch.setattr("ui.auth.client_address", lambda: client)
    return open_page("pages/public/signin.py", lang=lang)


def _fill(app, username, password):
    app.text_input(key="signin_username").input(username)
    app.text_input(key="signin_password").input(password)
    next(b for b in app.button if b.label in ("Sign in", "登录")).click()
    return app.run()


@pytest.mark.parametrize("lang, message", [
    ("en", r"Too many failed sign-in attempts\. Please try again in (29|30) s\."),
    ("zh", r"登录失败次数过多，请在 (29|30) 秒后重试。"),
])
def test_the_backed_off_client_is_told_when_to_try_again(make_user, open_page, monkeypatch, lang, message):
    make_user("mei")
    fail_signins("mei")
    app = _fill(_signin_page(open_page, monkeypatch, ATTACKER, lang), "mei", OWNER_PASSWORD)
    assert len(app.error) == 1 and re.fullmatch(message, app.error[0].value)
    assert "user_id" not in app.session_state


def test_the_owner_signs_in_from_another_device_and_is_told_about_the_attempts(make_user, open_page, monkeypatch):
    make_user("mei")
    fail_signins("mei", times=3)
    app = _fill(_signin_page(open_page, monkeypatch, OWNER_PHONE), "mei", OWNER_PASSWORD)
    assert not app.error and app.session_state["user_id"] is not None
    notices = [w.value for w in app.warning]
    assert len(notices) == 1 and notices[0].startswith(
        "Since your last sign-in there were 3 failed sign-in attempts on your account, the last at ")
    app.run()
    assert len(app.warning) == 1  # still there on the next click: a security notice must not flash by
    app.button(key="signin_notice_dismiss").click().run()
    assert not app.warning
    assert app.session_state["user_id"] is not None


def test_the_client_is_the_address_the_trusted_proxies_saw():
    header = ["203.0.113.9, 198.51.100.1", "10.0.0.2"]  # a spoofed first entry, then what two proxies appended
    assert forwarded_client(header, 1) == "10.0.0.2"
    assert forwarded_client(header, 2) == "198.51.100.1"
    assert forwarded_client(["198.51.100.1"], 2) == "198.51.100.1"
    assert forwarded_client([], 1) is None
