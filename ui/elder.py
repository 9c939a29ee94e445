"""Elder mode (适老化): large text, high contrast and big tap targets, switched on every page and remembered.

China's guidance for public-service websites asks for a "care mode" anyone can turn on from any page. The choice is
a visitor's for this browser session (or a QR link's, `?elder=1`) and a signed-in user's on their User row, so it
follows them to another phone. The look is one static style sheet (ui/elder.css) injected per run: no user text.
"""
from pathlib import Path

import streamlit as st

from db.engine import write_session
from points.accounts import users
from ui.i18n import t

QUERY = "elder"          # ?elder=1 opens in elder mode, ?elder=0 leaves it: a bookmark or a poster's link keeps it
CHOSEN = "elder_chosen"  # session key: the choice made in this browser session, if one was
PICKER = "elder_picker"  # the switch's widget key; also what is_on() reads
STYLE = Path(__file__).with_name("elder.css")


def _wanted(user) -> bool:
    """The URL's ?elder= wins, then this session's choice, then the signed-in user's saved one; off by default."""
    asked = st.query_params.get(QUERY)
    if asked in ("0", "1"):
        st.session_state[CHOSEN] = asked == "1"
    if CHOSEN in st.session_state:
        return st.session_state[CHOSEN]
    return bool(user is not None and user.elder_mode)


def _remember(user, on: bool) -> None:
    """Save a choice made in this session on the user's row, once: later runs find it already there."""
    if user is not None and CHOSEN in st.session_state and user.elder_mode != on:
        with write_session() as session:
            users.update_profile(session, user_id=user.id, elder_mode=on)


def _switched() -> None:
    on = st.session_state[PICKER]
    st.session_state[CHOSEN] = on
    st.query_params[QUERY] = "1" if on else "0"


def elder_switch(user) -> None:
    """Decide this run's mode, draw the switch in the sidebar (with the language) and apply the look."""
    on = _wanted(user)
    _remember(user, on)
    st.session_state[PICKER] = on  # set before the widget: it shows the mode decided above, whatever set it
    st.sidebar.toggle(t("elder.switch"), key=PICKER, on_change=_switched)
    if on:
        st.html(STYLE)


def is_on() -> bool:
    """Whether this run is in elder mode, for pages that draw a simpler layout in it."""
    return bool(st.session_state.get(PICKER, False))
