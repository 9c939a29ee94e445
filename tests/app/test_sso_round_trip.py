"""What crosses st.login's round trip (ui.sso_trip), as AppTest sees it: one session clicks the city button and
leaves, a new session comes back at "/" with the cookie the first one set. AppTest cannot seed cookies, so the
cookie is read from the script the first session sent to the browser and handed to the second."""
import re
from datetime import timedelta

import pytest

from db.models import ExternalIdentity, SignInSession, User
from points.checkin.tokens import poster_token
from points.common.clock import utcnow
from tests.app.test_sso_pages import city_user, portal, rows
from tests.support.checkin import load_city, make_checkpoint, points_of
from ui import sso_trip

REFUSED = ("The city sign-in did not complete: it was cancelled, or the city account's answer could not be "
           "verified. Nothing was changed. Please try again, or sign in with your password.")


def armed_cookie(app) -> str:
    """The trip cookie's value that the page's script sets in the browser while the city button shows."""
    [script] = [html.value for html in app.get("html") if sso_trip.TRIP_COOKIE in html.value]
    return re.search(rf"{sso_trip.TRIP_COOKIE}=([^;]+);", script).group(1)


def leave_for_the_city(app) -> str:
    """Click the city button (st.login leaves the page); return the cookie the browser carries away."""
    cookie = armed_cookie(app)
    app.button(key="sso_sign_in").click().run()
    assert not app.exception
    return cookie


@pytest.fixture
def browser_cookie(monkeypatch):
    """come_back(value): the cookies the next session's browser sends."""
    def come_back(value: str) -> None:
        monkeypatch.setattr(sso_trip, "_cookies", lambda: {sso_trip.TRIP_COOKIE: value})

    return come_back


@pytest.fixture
def trail(make_user):
    load_city()
    organizer = make_user("olga", role="organizer")
    now = utcnow()
    return make_checkpoint(organizer.id, kind="trailhead", starts_at=now - timedelta(hours=1),
                           ends_at=now + timedelta(days=1))


def scanned(trail: int) -> dict:
    return {"c": str(trail), "t": poster_token(trail)}


def texts(app) -> list[str]:
    return [element.value for kind in (app.success, app.info, app.error, app.markdown) for element in kind]


def test_a_pending_check_in_continues_after_the_round_trip(trail, browser_cookie):
    cookie = leave_for_the_city(portal(path="pages/public/checkin.py", query=scanned(trail)))
    browser_cookie(cookie)
    app = portal(user=city_user(name="Lin Wei"))  # st.login came back at "/" in a new session
    app.button(key="sso_create").click().run()
    [user] = [row for row in rows(User) if row.role == "resident"]
    assert "70 points credited" in " ".join(texts(app)) and points_of(user.id) == 70


def test_a_refused_city_sign_in_is_told_once_and_writes_nothing(browser_cookie):
    """Streamlit drops an ID token whose issuer or audience is wrong (or a cancel at the provider) and comes back
    without a user: the portal says so, in the visitor's language."""
    browser_cookie(leave_for_the_city(portal(path="pages/public/signin.py")))
    app = portal()
    assert texts(app).count(REFUSED) == 1
    assert rows(User) == [] and rows(ExternalIdentity) == [] and rows(SignInSession) == []
    assert REFUSED not in texts(app.run())
    assert REFUSED not in texts(portal())  # the same cookie again: that trip has come back already


def test_a_visitor_who_never_clicked_is_told_nothing(browser_cookie):
    browser_cookie(armed_cookie(portal(path="pages/public/signin.py")))
    assert not portal().error


def test_after_a_refused_round_trip_the_scan_waits_for_a_password_sign_in(trail, browser_cookie, make_user):
    ann = make_user("ann", password="egret-over-the-sea")
    browser_cookie(leave_for_the_city(portal(path="pages/public/checkin.py", query=scanned(trail))))
    app = portal()
    assert REFUSED in texts(app)
    assert "Please sign in (or create an account): your check-in continues right after." in texts(app)
    app.text_input(key="signin_username").input("ann")
    app.text_input(key="signin_password").input("egret-over-the-sea")
    next(button for button in app.button if button.label == "Sign in").click().run()
    assert "70 points credited" in " ".join(texts(app)) and points_of(ann.id) == 70


def test_a_carried_link_to_another_site_is_not_followed(trail, browser_cookie):
    app = portal(path="pages/public/checkin.py", query=scanned(trail))
    leave_for_the_city(app)
    foreign = f"https://elsewhere.example/checkin?c={trail}&t={poster_token(trail)}"
    browser_cookie(sso_trip._carrier().dumps({"trip": app.session_state[sso_trip.TRIP], "checkin": foreign}))
    back = portal(user=city_user())
    back.button(key="sso_create").click().run()
    [user] = [row for row in rows(User) if row.role == "resident"]
    assert points_of(user.id) == 0 and not back.success
