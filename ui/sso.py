"""City sign-in through st.login, turned into the portal's own session (points.accounts.sso).

st.login leaves for the city's provider and comes back at "/" in a new Streamlit session, with the claims
Streamlit and Authlib validated in st.user (an ID token with a wrong issuer or audience never gets there). The
portal then opens its own server-side session and cookie as for a password sign-in; from there on st.user is not
consulted again for that token. What must cross the round trip is ui.sso_trip's.
"""
from collections.abc import Mapping

import streamlit as st

from db.models import User
from points.accounts import sso
from points.accounts.signin import SignedIn
from points.common.errors import DomainError
from ui import auth, sso_trip
from ui.attempt import attempt_step
from ui.client import client_address
from ui.format import plain
from ui.i18n import current_language, error_text, t

PROVIDER = "city"  # st.login("city") reads [auth.city]
SHARED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SEEN, NEW_IDENTITY, NOTICE = "sso_seen", "sso_new_identity", "sso_notice"


def configured() -> bool:
    """True when [auth] and [auth.city] hold what st.login needs; never raises (no secrets file at all is
    Streamlit's StreamlitSecretNotFoundError, a FileNotFoundError)."""
    try:
        section = st.secrets["auth"]
    except (KeyError, FileNotFoundError):
        return False
    provider = section.get(PROVIDER)
    return (all(section.get(key) for key in SHARED_KEYS) and isinstance(provider, Mapping)
            and all(provider.get(key) for key in PROVIDER_KEYS))


def city_button() -> None:
    """The second way in, shown only when configured."""
    if not configured():
        return
    sso_trip.prepare()
    if st.button(t("sso.sign_in_city"), icon=":material/location_city:", key="sso_sign_in"):
        sso_trip.begin()
        st.login(PROVIDER)


def _identity() -> sso.CityIdentity | None:
    claims = st.user.to_dict()
    if claims.get("is_logged_in") is not True or claims.get("provider") != PROVIDER:
        return None
    return sso.identity_from_claims(claims)


def _signed_in(signed: SignedIn) -> User:
    st.session_state.pop(NEW_IDENTITY, None)
    auth.remember(signed)
    return signed.user


def sign_in_from_city() -> User | None:
    """After st.login: trade a fresh, unused ID token for the portal's own session, once per token and browser
    session. A city account new to the portal is left for finish_panel. Coming back from the provider without
    one (refused, cancelled) is told; so is a stale or used token then, which is silent on other visits
    (Streamlit's identity cookie outlives the portal session by weeks)."""
    if not configured():
        return None
    returned = sso_trip.came_back()
    identity = _identity()
    if identity is None:
        if returned:
            st.session_state[NOTICE] = DomainError("sso_failed")
        return None
    if st.session_state.get(SEEN) == identity:
        return None
    st.session_state[SEEN] = identity
    try:
        signed = sso.sign_in(identity=identity)  # a stale token is refused before any write
    except DomainError as error:
        if returned or error.code != "sso_expired":
            st.session_state[NOTICE] = error
        return None
    if signed is None:
        st.session_state[NEW_IDENTITY] = identity
        return None
    return _signed_in(signed)


def show_notice() -> None:
    error = st.session_state.pop(NOTICE, None)
    if error is not None:
        st.error(error_text(error))


def finishing() -> bool:
    """A city account seen the first time is waiting for the resident's choice (while its token is fresh)."""
    identity = st.session_state.get(NEW_IDENTITY)
    if identity is not None and not sso.is_fresh(identity):
        st.session_state.pop(NEW_IDENTITY)
        st.session_state[NOTICE] = DomainError("sso_expired")
        return False
    return identity is not None


def _finish(step) -> None:
    outcome = attempt_step(step)
    if outcome.ok:
        _signed_in(outcome.value)
        st.rerun()


def finish_panel() -> None:
    """First city sign-in: a new resident account, or (with consent and the password once) an existing one."""
    identity: sso.CityIdentity = st.session_state[NEW_IDENTITY]
    st.title(t("sso.finish_title"))
    st.write(t("sso.what_we_keep"))
    name = plain(identity.display_name) if identity.display_name else t("sso.no_name")
    if st.button(t("sso.create_account", name=name), type="primary", key="sso_create"):
        _finish(lambda: sso.create_resident(identity=identity, language=current_language()))
    st.subheader(t("sso.link_title"))
    with st.form("sso_link"):
        username = st.text_input(t("account.username"), key="sso_link_username")
        password = st.text_input(t("account.password"), type="password", key="sso_link_password")
        consent = st.checkbox(t("sso.link_consent"), key="sso_link_consent")
        submitted = st.form_submit_button(t("sso.link_submit"))
    if submitted and not consent:
        st.error(t("sso.link_needs_consent"))
    elif submitted:
        _finish(lambda: sso.link_account(identity=identity, username=username, password=password,
                                         client=client_address()))
    if st.button(t("sso.cancel"), key="sso_cancel"):
        st.session_state.pop(NEW_IDENTITY)
        st.logout()


def sign_out() -> bool:
    """Signing out of the portal ends the city sign-in too: st.logout drops Streamlit's identity cookie and, where
    the provider offers it, ends the provider's session before coming back. True when that redirect is queued."""
    if st.user.to_dict().get("is_logged_in") is True:
        st.logout()
        return True
    return False
