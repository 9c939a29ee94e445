"""My account: profile, language and password; for residents also their district and community, linked partner
accounts and privacy."""
import streamlit as st

from points.accounts.districts import choose_district
from ui import auth
from ui.attempt import attempt, attempt_step
from ui.district_choice import community_name, community_select, district_name, district_select
from ui.i18n import t
from ui.linked_accounts import linked_accounts
from ui.mail_settings import mail_settings
from ui.privacy_panel import privacy_panel

user = auth.current_user()
st.title(t("nav.account"))
st.write(t("account.summary", name=user.display_name, username=user.username, role=t(f"role.{user.role}")))

if user.role == "resident":
    st.subheader(t("landing.district.title"))
    with st.form("district"):
        district = district_select(key="account_district", current=user.district)
        community = community_select(key="account_community", current=user.community)
        saved = st.form_submit_button(t("landing.district.save"))
    if saved and attempt(lambda session: choose_district(session, user_id=user.id, district=district,
                                                         community=community)).ok:
        if community:
            st.success(t("communities.saved", district=district_name(district), community=community_name(community)))
        else:
            st.success(t("landing.district.saved", district=district_name(district)) if district
                       else t("landing.district.cleared"))

st.subheader(t("account.change_password"))
with st.form("change_password", clear_on_submit=True):
    old = st.text_input(t("account.password_current"), type="password")
    new = st.text_input(t("account.password_new"), type="password", help=t("account.password_help"))
    repeat = st.text_input(t("account.password_repeat"), type="password")
    submitted = st.form_submit_button(t("account.change_password"))
if submitted:
    if new != repeat:
        st.error(t("error.password_mismatch"))
    else:
        if attempt_step(lambda: auth.change_password(user, old_password=old, new_password=new)).ok:
            st.success(t("accounts.password_changed_others_out"))

if user.role == "resident":
    mail_settings(user.id)
    linked_accounts(user)
    privacy_panel(user)
