"""The account page's privacy section: leaderboard choice, download my data, delete my account."""
from functools import partial

import streamlit as st

from points.accounts.privacy import delete_my_account, export_my_data
from points.score.leaderboard import set_leaderboard
from ui import auth
from ui.attempt import attempt, attempt_step
from ui.downloads import download_on_click
from ui.i18n import t


def _leaderboard_form(user) -> None:
    st.markdown(f"**{t('score.privacy.board')}**")
    with st.form("leaderboard_choice"):
        opt_in = st.checkbox(t("score.privacy.opt_in"), value=user.leaderboard_opt_in)
        nickname = st.text_input(t("score.privacy.nickname"), value=user.nickname or "", max_chars=40)
        saved = st.form_submit_button(t("score.privacy.save_board"))
    if saved and attempt(lambda session: set_leaderboard(session, user_id=user.id, opt_in=opt_in,
                                                         nickname=nickname)).ok:
        st.success(t("score.privacy.board_saved"))


def _download(user) -> None:
    download_on_click(t("score.privacy.download"), partial(export_my_data, user_id=user.id),
                      file_name=f"green-egret-{user.username}.zip", mime="application/zip",
                      help=t("score.privacy.download_help"), key="download_my_data", on_click="ignore")


def _delete(user) -> None:
    with st.expander(t("score.privacy.delete")):
        st.warning(t("score.privacy.delete_explain"))
        with st.form("delete_account"):
            sure = st.checkbox(t("score.privacy.delete_confirm"))
            password = st.text_input(t("score.privacy.delete_password"), type="password")
            confirmed = st.form_submit_button(t("score.privacy.delete_button"), type="primary")
        if not confirmed:
            return
        if not sure:
            st.error(t("score.privacy.delete_tick_first"))
            return
        if not attempt_step(lambda: delete_my_account(user_id=user.id, password=password)).ok:
            return
        auth.sign_out()
        st.rerun()


def privacy_panel(user) -> None:
    st.subheader(t("score.privacy.title"))
    st.caption(t("account.privacy_notice"))
    _leaderboard_form(user)
    _download(user)
    _delete(user)
