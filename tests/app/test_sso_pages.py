"""City sign-in through the portal as AppTest sees it: st.user seeded as st.login leaves it after the round trip
(Streamlit and Authlib have already checked the ID token), secrets seeded as the README's [auth] section."""
from datetime import timedelta

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import ExternalIdentity, SignInSession, User
from points.accounts import sso, users_admin
from points.common.clock import utcnow
from tests.conftest import APP_FILE

ISSUER = "http://127.0.0.1:9400"
AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 32,
                 "city": {"client_id": "green-egret", "client_secret": "s3cret",
                          "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration"}}}


def city_user(sub: str = "lin-001", *, age: timedelta = timedelta(0), **claims) -> dict:
    issued = int((utcnow() - age).timestamp())
    return {"is_logged_in": True, "provider": "city", "iss": ISSUER, "sub": sub, "aud": ["green-egret"],
            "iat": issued, "exp": issued + 3600, **claims}


def portal(*, user: dict | None = None, secrets: dict | None = None, path: str | None = None,
           query: dict | None = None) -> AppTest:
    """A new Streamlit session through app.py, as a browser opens one (st.login's return is one too)."""
    app = AppTest.from_file(APP_FILE, default_timeout=60)
    app.session_state["lang"] = "en"
    app.secrets = dict(AUTH if secrets is None else secrets)
    app.query_params.update(query or {})
    if user is not None:
        app.user = user
    app.run()
    if path is not None:
        app.switch_page(path)
        app.run()
    return app


def labels(app) -> list[str]:
    return [button.label for button in app.button]


def signed_in_as(app) -> str:
    return " ".join(caption.value for caption in app.sidebar.caption)


def rows(model) -> list:
    with read_session() as session:
        return list(session.exec(select(model)).all())


def test_the_city_button_shows_only_when_auth_is_configured():
    assert "Sign in with the city account" in labels(portal(path="pages/public/signin.py"))
    assert "Sign in with the city account" not in labels(portal(secrets={}, path="pages/public/signin.py"))
    half = {"auth": {**AUTH["auth"], "city": {"client_id": "green-egret"}}}
    assert "Sign in with the city account" not in labels(portal(secrets=half, path="pages/public/signin.py"))


def test_a_new_city_account_becomes_a_resident_and_is_signed_in():
    app = portal(user=city_user(name="Lin Wei", email="lin@example.org", role="admin"))
    assert "user_id" not in app.session_state and rows(User) == []  # nothing until the resident chooses
    next(button for button in app.button if button.key == "sso_create").click()
    app.run()
    assert not app.exception
    [user] = rows(User)
    assert (user.role, user.display_name) == ("resident", "Lin Wei")
    assert app.session_state["user_id"] == user.id and "Signed in as Lin Wei" in signed_in_as(app)
    [session_row] = rows(SignInSession)
    assert session_row.handoff_hash is not None  # the browser gets the portal's own cookie, as after a password


def test_a_known_city_account_is_signed_in_at_once_and_a_replayed_token_is_not():
    app = portal(user=city_user(name="Lin Wei"))
    next(button for button in app.button if button.key == "sso_create").click()
    app.run()
    later = city_user(name="Lin Wei")
    later["iat"] += 5
    assert "Signed in as Lin Wei" in signed_in_as(portal(user=later))
    replay = portal(user=later)  # Streamlit's identity cookie in a new tab after the portal session ended
    assert "user_id" not in replay.session_state and len(rows(SignInSession)) == 2


def test_a_stale_city_sign_in_signs_nobody_in():
    app = portal(user=city_user(age=timedelta(hours=2)))
    assert "user_id" not in app.session_state and "sso_create" not in [b.key for b in app.button]
    assert rows(User) == []


def test_a_disabled_resident_is_told_and_stays_out(make_user):
    app = portal(user=city_user())
    next(button for button in app.button if button.key == "sso_create").click()
    app.run()
    admin = make_user("ada", role="admin")
    with write_session() as session:
        users_admin.set_disabled(session, actor_id=admin.id, user_id=app.session_state["user_id"], disabled=True)
    later = city_user()
    later["iat"] += 5
    refused = portal(user=later)
    assert "user_id" not in refused.session_state
    assert [e.value for e in refused.error] == ["This account cannot sign in. Please contact the Green Egret team."]


def _link(app, username: str, password: str, *, consent: bool = True):
    app.text_input(key="sso_link_username").input(username)
    app.text_input(key="sso_link_password").input(password)
    if consent:
        app.checkbox(key="sso_link_consent").check()
    next(button for button in app.button if button.label == "Link and sign in").click()
    return app.run()


def test_linking_an_existing_account_needs_consent_and_its_password(make_user):
    mei = make_user("mei", password="egret-over-the-sea", display_name="Mei")
    app = _link(portal(user=city_user()), "mei", "egret-over-the-sea", consent=False)
    assert [e.value for e in app.error] == ["Tick the box to agree to the link first."]
    app = _link(app, "mei", "not-her-password")
    assert [e.value for e in app.error] == ["Wrong username or password. Please try again."]
    assert rows(ExternalIdentity) == [] and "user_id" not in app.session_state
    app = _link(app, "mei", "egret-over-the-sea")
    assert app.session_state["user_id"] == mei.id and "Signed in as Mei" in signed_in_as(app)
    assert [(row.user_id, row.subject) for row in rows(ExternalIdentity)] == [(mei.id, "lin-001")]
    assert len(rows(User)) == 1


def test_a_staff_account_is_not_linked_by_its_password(make_user):
    make_user("olga", role="organizer", password="egret-over-the-sea")
    app = _link(portal(user=city_user()), "olga", "egret-over-the-sea")
    assert [e.value for e in app.error] == ["Staff accounts sign in with a city account only after an administrator "
                                            "has linked it: sign in with your password."]
    assert rows(ExternalIdentity) == [] and "user_id" not in app.session_state


def test_a_city_account_an_operator_mapped_signs_in_with_the_staff_role(make_user):
    olga = make_user("olga", role="organizer", display_name="Olga")
    with write_session() as session:
        sso.map_account(session, username="olga", issuer=ISSUER, subject="olga-007", operator="ops")
    app = portal(user=city_user("olga-007", role="admin"), path="pages/organizer/organize.py")
    assert app.session_state["user_id"] == olga.id and "Signed in as Olga" in signed_in_as(app)
    assert [title.value for title in app.title] == ["Organise events"] and not app.warning


def test_sign_out_ends_the_portal_session_and_the_city_sign_in():
    app = portal(user=city_user())
    next(button for button in app.button if button.key == "sso_create").click()
    app.run()
    app.sidebar.button(key="sign_out").click()
    app.run()
    assert "user_id" not in app.session_state
    assert app.user.get("is_logged_in") is False  # st.logout ran
    assert all(row.ended_at is not None for row in rows(SignInSession))
