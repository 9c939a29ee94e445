"""Points that expire, shown ahead of time: the resident's notice on the home page and the liability figures on
the dashboard. Nothing is shown while the city's policy is off."""
import streamlit as st

from db.engine import read_session
from points.expiry.amounts import Upcoming, city_expiring, upcoming
from ui.format import day, number
from ui.i18n import t

CITY_EXPIRING_TTL_SECONDS = 300  # the figure changes once a year at most; minutes of staleness cost nothing


def expiry_notice(user_id: int) -> None:
    """"120 points expire on 31 Dec 2027", with the rule, when any of the resident's points expire this year."""
    with read_session() as session:
        soon = upcoming(session, user_id=user_id)
    if soon is not None:
        st.warning(t("inbox.expiry.notice", points=number(soon.points), expires=day(soon.last_day)),
                   icon=":material/hourglass_bottom:")
        st.caption(t("inbox.expiry.rule"))


@st.cache_data(ttl=CITY_EXPIRING_TTL_SECONDS, show_spinner=False)
def _city_expiring() -> Upcoming | None:
    """The city's sum reads every resident's year of entries: computed once per process every few minutes, not on
    every render of the dashboard (issue 15: no page's cost grows with the ledger)."""
    with read_session() as session:
        return city_expiring(session)


def liability_figures(expired: int) -> None:
    """The liability's share that expires at the end of this year, and what has expired so far."""
    soon = _city_expiring()
    if soon is None and not expired:
        return
    expiring, gone = st.columns(2)
    if soon is not None:
        expiring.metric(t("inbox.liability.expiring"), number(soon.points),
                        help=t("inbox.expiry.rule"))
    gone.metric(t("inbox.liability.expired"), number(expired))
