"""Register: what is stored and why, the district and community if the resident wants to give them, and a
separate consent for the leaderboard."""
import streamlit as st

from ui import auth
from ui.attempt import attempt_step
from ui.district_choice import community_select, district_select
from ui.i18n import t

st.title(t("nav.register"))
st.caption(t("account.privacy_notice"))
with st.form("register"):
    username = st.text_input(t("account.username"), help=t("account.username_help"))
    display_name = st.text_input(t("account.display_name"))
    password = st.text_input(t("account.password"), type="password", help=t("account.password_help"))
    repeat = st.text_input(t("account.password_repeat"), type="password")
    district = district_select(key="register_district")
    community = community_select(key="register_community")
    opt_in = st.checkbox(t("account.leaderboard_consent"))
    submitted = st.form_submit_button(t("portal.register"), type="primary")

if submitted:
    if password != repeat:
        st.error(t("error.password_mismatch"))
    else:
        if attempt_step(lambda: auth.register(username=username, display_name=display_name, password=password,
                                              leaderboard_opt_in=opt_in, district=district,
                                              community=community)).ok:
            st.rerun()
