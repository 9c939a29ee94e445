"""The frame every run goes through: language, sign-in, navigation by role, and the error boundary."""
import logging

import streamlit as st

from db.engine import write_session
from points import accounts
from points.errors import DomainError
from ui import auth
from ui.i18n import LANGUAGES, current_language, error_text, language_from_locale, t
from ui.nav import PAGES, SIGNED_OUT, PageSpec, default_key

logger = logging.getLogger("green_egret")


def choose_language(user) -> None:
    """?lang= wins, then this browser session's choice, the user's saved one, the browser's, else Chinese."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
    elif "lang" not in st.session_state:
        st.session_state["lang"] = (user.language if user and user.language
                                    else language_from_locale(st.context.locale))
    if user is not None and user.language != st.session_state["lang"]:
        with write_session() as session:
            accounts.update_profile(session, user_id=user.id, language=st.session_state["lang"])


def language_switch() -> None:
    def _switch():
        st.query_params["lang"] = st.session_state["lang_picker"]

    st.sidebar.segmented_control(t("portal.language"), LANGUAGES, key="lang_picker",
                                 default=current_language(),
                                 format_func=lambda code: {"zh": "中文", "en": "English"}[code],
                                 on_change=_switch)


def _gate(spec: PageSpec, message_key: str):
    """A stand-in served at a page's own URL for visitors who may not see it yet."""

    def gate():
        st.info(t(message_key))
        if message_key == "portal.sign_in_to_continue":
            from ui.signin_form import signin_form
            signin_form()

    gate.__name__ = f"gate_{spec.key.replace('-', '_')}"
    return st.Page(gate, title=t(f"nav.{spec.key}"), url_path=spec.key, visibility="hidden")


def build_navigation(role: str):
    sections: dict[str, list] = {}
    for spec in PAGES:
        if role in spec.roles:
            page = st.Page(spec.path, title=t(f"nav.{spec.key}"), icon=spec.icon,
                           url_path="" if spec.key == default_key(role) else spec.key,
                           default=spec.key == default_key(role),
                           visibility="hidden" if spec.hidden else "visible")
            sections.setdefault(t(f"section.{spec.section}"), []).append(page)
        elif spec.key != default_key(role):
            gate_message = "portal.sign_in_to_continue" if role == SIGNED_OUT else "portal.not_for_your_role"
            sections.setdefault("", []).append(_gate(spec, gate_message))
    return st.navigation(sections, position="sidebar")


def show_unexpected_error(error: BaseException) -> bool:
    """st.App's on_script_error: a friendly message instead of a traceback."""
    logger.error("unexpected error", exc_info=error)
    st.error(t("error.unexpected"))
    return True


def run_portal() -> None:
    st.set_page_config(page_title="Green Egret 白鹭绿积分", page_icon="🌿", layout="wide")
    user = auth.current_user()
    choose_language(user)
    page = build_navigation(user.role if user else SIGNED_OUT)
    language_switch()
    if user is not None:
        st.sidebar.caption(t("portal.signed_in_as", name=user.display_name))
        if st.sidebar.button(t("portal.sign_out"), key="sign_out"):
            auth.sign_out()
            st.rerun()
    auth.send_cookie_instructions()
    try:
        page.run()
    except DomainError as error:
        st.error(error_text(error))
    except Exception as error:  # the boundary: log it, show a translated message, never a traceback
        show_unexpected_error(error)
