"""Check in by opening a checkpoint's QR link: the link survives sign-in (the city account's round trip too, see
ui.sso_trip), the address bar is cleaned after, and the outcome is the first thing the page draws, full-screen."""
import streamlit as st

from db.engine import write_session
from points.checkin.decision import check_out, scan
from points.checkin.tokens import parse_checkpoint_id
from points.common.errors import DomainError
from points.common.metrics import SCANS
from ui import auth, checkin_outcome, sso_trip
from ui.i18n import t
from ui.portal import RETURN_TO
from ui.qr import title_of
from ui.signin_form import signin_form

PENDING, LAST = sso_trip.CHECKIN_PENDING, "checkin_last"


def remember_link() -> None:
    """Keep c and t server-side for this browser session, so they survive the sign-in form."""
    if "c" in st.query_params or "t" in st.query_params:
        st.session_state[PENDING] = (st.query_params.get("c"), st.query_params.get("t"))
        st.session_state.pop(LAST, None)


def run(action, user_id: int, link: tuple) -> None:
    """Run scan or check-out once and keep the panel the volunteer should see (the token stays server-side)."""
    try:
        checkpoint_id = parse_checkpoint_id(link[0])
        with write_session() as session:
            result = action(session, user_id=user_id, checkpoint_id=checkpoint_id, token=link[1] or "")
            title = title_of(result.checkpoint)
        SCANS.labels(outcome=result.outcome).inc()  # committed: the transaction above has closed
        st.session_state[LAST] = checkin_outcome.from_result(result, title=title, link=link)
    except DomainError as error:
        SCANS.labels(outcome=error.code).inc()
        st.session_state[LAST] = checkin_outcome.from_refusal(error)


remember_link()
user = auth.current_user()
if user is None and PENDING in st.session_state:
    st.title(t("nav.checkin"))
    st.info(t("checkin.sign_in_first"))
    st.session_state[RETURN_TO] = "checkin"  # a new volunteer who registers first comes back here
    signin_form()
    st.page_link("pages/public/register.py", label=t("portal.no_account_register"), icon=":material/person_add:")
    st.stop()
if user is not None and PENDING in st.session_state:
    run(scan, user.id, st.session_state.pop(PENDING))
    for name in ("c", "t"):
        st.query_params.pop(name, None)
last = st.session_state.get(LAST)
if last is None:
    st.title(t("nav.checkin"))
    st.info(t("checkin.scan_a_code"))
elif checkin_outcome.show(last) and user is not None:
    run(check_out, user.id, last.link)
    st.rerun()
