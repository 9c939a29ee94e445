"""The account page's e-mail settings: an address and an opt-in for copies of inbox messages. Shown only when
the city has set up SMTP; a resident who never opts in is never mailed."""
import streamlit as st

from db.config import get_settings
from db.engine import read_session
from points.inbox.mail import mail_address, set_mail_address
from ui.attempt import attempt
from ui.i18n import t


def mail_settings(user_id: int) -> None:
    if get_settings().smtp is None:
        return
    with read_session() as session:
        current = mail_address(session, user_id=user_id)
    st.subheader(t("inbox.mail.heading"))
    with st.form("inbox_mail"):
        address = st.text_input(t("inbox.mail.address"), value=current.address if current else "",
                                help=t("inbox.mail.help"), max_chars=254)
        opted_in = st.checkbox(t("inbox.mail.opt_in"), value=bool(current and current.opted_in))
        saved = st.form_submit_button(t("inbox.mail.save"))
    if saved and attempt(lambda session: set_mail_address(session, user_id=user_id, address=address,
                                                          opted_in=opted_in)).ok:
        st.success(t("inbox.mail.saved"))
