"""The sign-in form, shown on the sign-in page and at any page a visitor must sign in for."""
import streamlit as st

from points.common.errors import DomainError
from ui import auth, sso
from ui.i18n import error_text, t


def signin_form() -> None:
    """On success the run starts again: the same URL then opens the page the visitor asked for. The city
    account's button follows when [auth] is configured (st.login comes back at "/": see ui.sso)."""
    with st.form("signin", enter_to_submit=True):
        username = st.text_input(t("account.username"), key="signin_username")
        password = st.text_input(t("account.password"), type="password", key="signin_password")
        submitted = st.form_submit_button(t("portal.sign_in"), type="primary")
    if submitted:
        try:
            auth.sign_in(username, password)
        except DomainError as error:
            st.error(error_text(error))
            return
        st.rerun()
    sso.city_button()
