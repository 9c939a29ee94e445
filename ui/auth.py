"""Who is signed in, read on every run from session state or the HttpOnly sign-in cookie."""
import json
import time

import streamlit as st

from db.engine import read_session, write_session
from db.models import User
from points.accounts import signin
from points.accounts.districts import checked_home
from points.accounts.signin import COOKIE_NAME
from points.accounts.users import active_user
from ui import format as fmt
from ui.client import client_address
from ui.i18n import current_language, t

# Touching any sooner than the server moves last_seen_at would be a write that changes nothing.
TOUCH_EVERY_SECONDS = signin.TOUCH_EVERY.total_seconds()


def _cookie_session_id() -> str | None:
    # dict(): under AppTest st.context.cookies is a mock whose .get() is always truthy (DESIGN traps).
    return signin.session_id_from_cookie(dict(st.context.cookies).get(COOKIE_NAME))


def _touch(session_id: str) -> None:
    """Refresh the idle timer at most once a minute, so most reruns stay read-only."""
    if time.monotonic() - st.session_state.get("touched_at", 0) < TOUCH_EVERY_SECONDS:
        return
    with write_session() as session:
        signin.user_for_session(session, session_id=session_id)
    st.session_state["touched_at"] = time.monotonic()


def _forget() -> None:
    for key in ("user_id", "sid", "touched_at", "cookie_handoff", "signin_notice"):
        st.session_state.pop(key, None)


def current_user() -> User | None:
    """The signed-in user, or None; a disabled account or an ended session signs the browser out."""
    session_id = st.session_state.get("sid") or _cookie_session_id()
    if session_id:
        with read_session() as session:
            user = signin.user_for_session(session, session_id=session_id, touch=False)
        if user is None:
            _forget()
            return None
        st.session_state["sid"], st.session_state["user_id"] = session_id, user.id
        _touch(session_id)
        return user
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    with read_session() as session:
        user = active_user(session, user_id=user_id)
    if user is None:
        _forget()
        return None
    return user


def remember(signed: signin.SignedIn) -> None:
    """This browser is now signed in (by password, registration or the city account); the cookie follows through
    the hand-off, the notice on the next run."""
    _forget()
    st.session_state["sid"] = signin.session_id_for_token(signed.token)
    st.session_state["user_id"] = signed.user.id
    st.session_state["cookie_handoff"] = signed.handoff
    if signed.missed.count:
        st.session_state["signin_notice"] = signed.missed
    if signed.user.language:
        st.session_state["lang"] = signed.user.language


def sign_in(username: str, password: str) -> User:
    """Check the password (outside any write), open a server-side session and queue the cookie hand-off."""
    signed = signin.sign_in(username=username, password=password, client=client_address())
    remember(signed)
    return signed.user


def register(*, username: str, display_name: str, password: str, leaderboard_opt_in: bool,
             district: str | None = None, community: str | None = None) -> User:
    """Create a resident account from this browser and sign it in, in the same short write."""
    district, community = checked_home(district, community)
    signed = signin.register(client=client_address(), username=username, display_name=display_name,
                             password=password, language=current_language(), leaderboard_opt_in=leaderboard_opt_in,
                             district=district, community=community)
    remember(signed)
    return signed.user


def change_password(user: User, *, old_password: str, new_password: str) -> None:
    """Every other browser signed in as this user is signed out; this one stays."""
    signin.change_password(user_id=user.id, old_password=old_password, new_password=new_password,
                           keep_session_id=st.session_state.get("sid") or _cookie_session_id())


def _dismiss_signin_notice() -> None:
    st.session_state.pop("signin_notice", None)


def show_signin_notice() -> None:
    """After signing in, until the owner dismisses it: how often the account's password was tried wrongly
    since the last sign-in (kept across reruns: the redirect after sign-in would swallow a one-shot notice)."""
    missed = st.session_state.get("signin_notice")
    if missed is not None:
        st.warning(t("accounts.missed_signins", count=missed.count, when=fmt.moment(missed.last_at)),
                   icon=":material/shield:")
        st.button(t("accounts.notice_dismiss"), key="signin_notice_dismiss", on_click=_dismiss_signin_notice)


def sign_out() -> None:
    with write_session() as session:
        signin.end_session(session, session_id=st.session_state.get("sid") or _cookie_session_id())
    _forget()
    st.session_state["cookie_clear"] = True


def _handoff_waiting(handoff: str) -> bool:
    with read_session() as session:
        return signin.handoff_waiting(session, handoff=handoff)


def send_cookie_instructions() -> None:
    """Let the browser fetch the HttpOnly cookie (or drop it): Streamlit itself cannot set cookies."""
    handoff = st.session_state.get("cookie_handoff")
    if handoff and not _handoff_waiting(handoff):  # traded or expired: stop asking
        st.session_state.pop("cookie_handoff")
        handoff = None
    if handoff:  # asked again on every run until traded: a run cut short by a page switch may lose it
        body = json.dumps({"handoff": handoff})
        st.html(f"<script>fetch('/auth/session', {{method: 'POST', credentials: 'same-origin', keepalive: true, "
                f"headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}});</script>",
                unsafe_allow_javascript=True, width=1)
    if st.session_state.pop("cookie_clear", False):
        st.html("<script>fetch('/auth/signout', {method: 'POST', credentials: 'same-origin'});</script>",
                unsafe_allow_javascript=True, width=1)
