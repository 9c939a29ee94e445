"""The city sign-in's round trip: st.login leaves for the provider and comes back at "/" in a new Streamlit session,
without the old session's state. Two things must cross it: that this browser was sent to the provider at all (so a
sign-in the portal refused, a wrong issuer or audience, or one cancelled at the provider, is told, not silently
dropped), and a QR check-in pending before it (so the scan continues after sign-in).

While the button is shown, a cookie signed by the portal (15 minutes) names this browser's trip and carries the
pending check-in as a same-site path to /checkin, nothing else; it is set before any click, because st.login
leaves the page at once. The click records the trip as begun in this process. The session that comes back with
the cookie of a begun trip is the return, once. The token in the carried link is verified again by the scan.
"""
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer

from db.config import get_settings

CHECKIN_PENDING = "checkin_pending"  # the check-in page's (checkpoint, token) waiting for a signed-in user
CHECKIN_PAGE, CHECKIN_PATH = "pages/public/checkin.py", "/checkin"
TRIP_COOKIE, TRIP_SECONDS = "ge_city_signin", 15 * 60
TRIP, RESUME = "sso_trip", "sso_resume_link"  # session keys: this browser's trip, the link to resume


@dataclass(frozen=True)
class Carried:
    trip: str
    checkin: str  # "" or a path to /checkin


def _carrier() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret, salt="green-egret.sso-round-trip")


def carried_from(raw: str | None) -> Carried | None:
    """What a trip cookie carries, if this portal signed it less than TRIP_SECONDS ago."""
    try:
        value = _carrier().loads(raw, max_age=TRIP_SECONDS) if raw else None
    except BadSignature:  # forged, or too old (SignatureExpired)
        return None
    if not (isinstance(value, dict) and isinstance(value.get("trip"), str) and isinstance(value.get("checkin"), str)):
        return None
    return Carried(value["trip"], value["checkin"])


def _cookies() -> dict[str, str]:
    return dict(st.context.cookies)  # dict(): AppTest's cookies mock (DESIGN traps)


def _carried() -> Carried | None:
    return carried_from(_cookies().get(TRIP_COOKIE))


def _pending_path() -> str:
    pending = st.session_state.get(CHECKIN_PENDING)
    if not pending:
        return ""
    checkpoint, token = pending
    return f"{CHECKIN_PATH}?{urlencode({'c': checkpoint or '', 't': token or ''})}"


def prepare() -> None:
    """Set the trip cookie on every run that shows the button (a run cut short may lose the script), with the
    check-in pending now. One trip per browser: a second tab keeps the first tab's trip."""
    carried = _carried()
    trip = st.session_state.setdefault(TRIP, carried.trip if carried else secrets.token_urlsafe(16))
    value = _carrier().dumps({"trip": trip, "checkin": _pending_path()})
    cookie = f"{TRIP_COOKIE}={value}; path=/; max-age={TRIP_SECONDS}; samesite=lax"
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True, width=1)


@st.cache_resource(show_spinner=False)
def _begun() -> dict[str, float]:
    """Trips this process sent to the provider, by trip, with when. Lost on a restart, which loses only the
    message about a failed sign-in and the resumed check-in of a trip under way."""
    return {}


def begin() -> None:
    """The button was clicked: st.login leaves now. Trips older than the cookie are forgotten."""
    begun, now = _begun(), time.monotonic()
    for trip, at in list(begun.items()):
        if now - at > TRIP_SECONDS:
            begun.pop(trip, None)
    begun[st.session_state[TRIP]] = now


def came_back() -> bool:
    """True, once, in the session the provider sent back here: its cookie names a trip begun in this process.
    The check-in it carries then waits for the sign-in (resume_checkin)."""
    carried = _carried()
    at = _begun().pop(carried.trip, None) if carried else None
    if carried is None or at is None or time.monotonic() - at > TRIP_SECONDS:
        return False
    st.session_state[RESUME] = carried.checkin
    return True


def checkin_link_from(path: object) -> tuple[str, str] | None:
    """Only a same-site path to the check-in page is followed: no scheme, no host, another path refused."""
    if not isinstance(path, str):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or parts.path != CHECKIN_PATH:
        return None
    query = parse_qs(parts.query)
    return query.get("c", [""])[0], query.get("t", [""])[0]


def resume_checkin() -> None:
    """Back from the round trip with a check-in pending: the check-in page scans it for a signed-in user, or asks a
    visitor whose city sign-in failed to sign in first (either way, then the scan)."""
    link = checkin_link_from(st.session_state.pop(RESUME, None))
    if link is not None:
        st.session_state[CHECKIN_PENDING] = link
        st.switch_page(CHECKIN_PAGE)
