"""Sign in."""
import streamlit as st

from ui.i18n import t
from ui.signin_form import signin_form

st.title(t("nav.signin"))
signin_form()
st.page_link("pages/public/register.py", label=t("portal.no_account_register"), icon=":material/person_add:")
