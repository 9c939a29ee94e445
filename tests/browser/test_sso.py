"""City sign-in in Chromium against a real OpenID Connect provider (oidc-provider-mock on a local port): a volunteer
scans a QR link signed out, signs in with the city account, lands as a resident, is credited, stays signed in
after a refresh and signs out of both. A provider whose tokens do not match (issuer, audience), or a sign-in
denied at the provider, signs nobody in, writes nothing and is told."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session
from db.models import ExternalIdentity, SignInSession, User
from points.checkin.tokens import poster_token
from points.common.clock import utcnow
from tests.browser.conftest import wait_for_sign_in_cookie, wait_idle
from tests.support.checkin import make_checkpoint, points_of
from tests.support.oidc import LyingProvider, running_provider, set_claims, write_secrets
from tests.support.portal import PORTAL_SECRET, running_portal
from ui.sso_trip import TRIP_COOKIE

CITY_BUTTON = "Sign in with the city account"
REFUSED = "The city sign-in did not complete"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc")) as issuer:
        yield issuer


def _portal(tmp_path_factory, metadata_url: str):
    data = tmp_path_factory.mktemp("sso-portal")
    secrets = write_secrets(data / "secrets.toml", metadata_url)
    return data, running_portal(data, STREAMLIT_SECRETS_FILES=str(secrets))


@pytest.fixture(scope="module")
def city_portal(provider, tmp_path_factory, chromium):
    """A portal whose [auth.city] points straight at the mock: yields (base URL, its database URL)."""
    data, portal = _portal(tmp_path_factory, f"{provider}/.well-known/openid-configuration")
    with portal as base:
        yield base, f"sqlite:///{data / 'portal.db'}"


@pytest.fixture
def on_portal_db(city_portal, monkeypatch):
    """Set up data in the running portal's own database, signed with its secret."""
    monkeypatch.setenv("DATABASE_URL", city_portal[1])
    monkeypatch.setenv("GREEN_EGRET_SECRET", PORTAL_SECRET)
    return city_portal[0]


def authorize(page, sub: str, *, deny: bool = False) -> None:
    """The provider's own page: type the subject, press Authorize (or Deny); the browser comes back to the portal."""
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Deny" if deny else "Authorize").click()


def wait_for_trip_cookie(page) -> None:
    """The page sets it while the button shows; st.login leaves at once on the click."""
    page.wait_for_function(f"document.cookie.includes({TRIP_COOKIE!r} + '=')")


def test_a_volunteer_signs_in_with_the_city_account_and_the_scan_continues(provider, on_portal_db, new_page,
                                                                          make_user):
    base = on_portal_db
    organizer = make_user("olga", role="organizer")
    now = utcnow()
    trail = make_checkpoint(organizer.id, kind="trailhead", starts_at=now - timedelta(hours=1),
                            ends_at=now + timedelta(days=1))
    set_claims(provider, "lin-001", name="Lin Wei", email="lin@example.org")
    phone = new_page(phone=True)
    phone.goto(f"{base}/checkin?c={trail}&t={poster_token(trail)}")
    wait_idle(phone)
    wait_for_trip_cookie(phone)
    phone.get_by_role("button", name=CITY_BUTTON).click()
    authorize(phone, "lin-001")
    phone.get_by_role("button", name="Create my resident account as Lin Wei").click()
    phone.get_by_text("points credited").wait_for()
    with read_session() as session:
        [link] = session.exec(select(ExternalIdentity)).all()
        user = session.get(User, link.user_id)
    assert (link.issuer, link.subject, user.role, user.display_name) == (provider, "lin-001", "resident", "Lin Wei")
    assert points_of(user.id) == 70 and "t=" not in phone.url

    wait_for_sign_in_cookie(phone)
    phone.reload()
    wait_idle(phone)
    phone.get_by_text("Signed in as Lin Wei").wait_for()
    tab = new_page()  # another tab with the portal's own cookie alone, not Streamlit's identity: signed in too
    tab.context.add_cookies([cookie for cookie in phone.context.cookies() if cookie["name"] == "ge_session"])
    tab.goto(f"{base}/ledger?lang=en")
    wait_idle(tab)
    tab.get_by_text("Signed in as Lin Wei").wait_for()
    tab.close()

    phone.get_by_test_id("stExpandSidebarButton").click()  # a phone keeps the sidebar folded
    phone.get_by_role("button", name="Sign out").click()
    phone.wait_for_url("**/oauth2/end_session**")  # st.logout ends the provider's session too
    phone.get_by_role("button", name="End session").click()
    phone.wait_for_url(f"{base}/**")
    wait_idle(phone)
    phone.reload()
    wait_idle(phone)
    assert phone.get_by_text("Signed in as").count() == 0
    assert not any(cookie["name"] == "_streamlit_user" for cookie in phone.context.cookies())
    with read_session() as session:
        assert all(row.ended_at is not None for row in session.exec(select(SignInSession)).all())


@pytest.fixture(scope="module")
def lying(provider, tmp_path_factory, chromium):
    """A portal whose provider metadata comes from LyingProvider: yields (base URL, the liar, database URL)."""
    with LyingProvider(provider) as liar:
        data, portal = _portal(tmp_path_factory, f"{liar.url}/.well-known/openid-configuration")
        with portal as base:
            yield base, liar, f"sqlite:///{data / 'portal.db'}"


@pytest.mark.parametrize(("mode", "signs_in"), [("pass", True), ("issuer", False), ("audience", False),
                                               ("deny", False)])
def test_a_wrong_issuer_or_audience_signs_nobody_in(lying, new_page, monkeypatch, mode, signs_in):
    base, liar, database = lying
    monkeypatch.setenv("DATABASE_URL", database)
    liar.mode = "pass" if mode == "deny" else mode
    page = new_page()
    page.goto(f"{base}/signin?lang=en")
    wait_idle(page)
    wait_for_trip_cookie(page)
    page.get_by_role("button", name=CITY_BUTTON).click()
    authorize(page, f"mallory-{mode}", deny=mode == "deny")
    page.wait_for_url(f"{base}/**")
    wait_idle(page)
    finish = page.get_by_text("Finish signing in with the city account")
    if signs_in:  # the relay itself works: only the lie makes the difference
        finish.wait_for()
        assert page.get_by_text(REFUSED).count() == 0
        return
    page.get_by_text(REFUSED).wait_for()
    assert finish.count() == 0 and page.get_by_text("Signed in as").count() == 0
    assert not any(cookie["name"] == "_streamlit_user" for cookie in page.context.cookies())
    with read_session() as session:
        assert session.exec(select(ExternalIdentity)).all() == []
        assert session.exec(select(User)).all() == []
        assert session.exec(select(SignInSession)).all() == []
