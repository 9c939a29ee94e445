"""The frame every run goes through: language, sign-in, navigation by role, and the error boundary."""
import logging
import time
from urllib.parse import urlparse

import streamlit as st

from db.engine import write_session
from points.accounts import users
from points.common.errors import DomainError
from points.common.metrics import PAGE_SECONDS, REFUSALS, UNEXPECTED
from ui import auth, sso, sso_trip
from ui.elder import elder_switch
from ui.frame import dress_frame
from ui.i18n import LANGUAGES, current_language, error_text, language_from_locale, t
from ui.inbox_view import menu_titles
from ui.nav import PAGES, SIGNED_OUT, PageSpec, default_key

logger = logging.getLogger("green_egret")
RETURN_TO = "return_to"  # session key: a page key to continue to after signing in or registering


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
            users.update_profile(session, user_id=user.id, language=st.session_state["lang"])


def language_switch() -> None:
    def _switch():
        st.query_params["lang"] = st.session_state["lang_picker"]

    st.sidebar.segmented_control(t("portal.language"), LANGUAGES, key="lang_picker",
                                 default=current_language(),
                                 format_func=lambda code: {"zh": "中文", "en": "English"}[code],
                                 on_change=_switch)


def _gate(spec: PageSpec, role: str, pages: dict, home_page):
    """A stand-in served at a page's own URL for visitors who may not open it (no "page not found")."""

    def gate():
        if role == SIGNED_OUT:
            from ui.signin_form import signin_form

            st.info(t("portal.sign_in_to_continue"))
            signin_form()
        elif spec.roles == (SIGNED_OUT,):  # just signed in or registered: back where they came from, or home
            st.switch_page(pages.get(st.session_state.pop(RETURN_TO, None), home_page))
        else:
            st.warning(t("portal.not_for_your_role"))

    return st.Page(gate, title=t(f"nav.{spec.key}"), url_path=spec.key, visibility="hidden")


def _page(spec: PageSpec, *, default: bool = False, title: str | None = None):
    return st.Page(spec.path, title=title or t(f"nav.{spec.key}"), icon=spec.icon, url_path=spec.key, default=default,
                   visibility="hidden" if spec.hidden else "visible")


def _requested_key() -> str:
    """The last segment of the path the browser asked for, e.g. "dashboard" for /dashboard?lang=en."""
    path = urlparse(st.context.url or "").path.strip("/")
    return path.rsplit("/", 1)[-1]


def build_navigation(role: str, titles: dict[str, str] | None = None):
    """The role's menu (its default page answers at "/" and at its own URL); other pages answer with a gate.
    `titles` replaces a page's menu title (the inbox's unread count)."""
    home = default_key(role)
    if _requested_key() == home:  # a deep link to the default page: serve it by its own URL, not as "/"
        home = next((spec.key for spec in PAGES if role in spec.roles and spec.key != home), home)
    sections: dict[str, list] = {}
    pages: dict[str, st.Page] = {}
    for spec in PAGES:
        if role in spec.roles:
            pages[spec.key] = _page(spec, default=spec.key == home, title=(titles or {}).get(spec.key))
            sections.setdefault(t(f"section.{spec.section}"), []).append(pages[spec.key])
    gates = {}
    for spec in PAGES:
        if spec.key not in pages and spec.key not in gates:
            gates[spec.key] = _gate(spec, role, pages, pages[default_key(role)])
    sections[next(iter(sections))].extend(gates.values())
    return st.navigation(sections, position="sidebar", expanded=True)


def show_unexpected_error(error: BaseException) -> bool:
    """st.App's on_script_error: a friendly message instead of a traceback."""
    UNEXPECTED.inc()
    logger.error("unexpected error", exc_info=error)
    st.error(t("error.unexpected"))
    return True


def run_portal() -> None:
    st.set_page_config(page_title="Green Egret 白鹭绿积分", page_icon="🌿", layout="wide")
    user = auth.current_user() or sso.sign_in_from_city()
    choose_language(user)
    dress_frame()
    page = build_navigation(user.role if user else SIGNED_OUT, titles=menu_titles(user))
    language_switch()
    elder_switch(user)
    if user is not None:
        st.sidebar.caption(t("portal.signed_in_as", name=user.display_name))
        auth.show_signin_notice()
        if st.sidebar.button(t("portal.sign_out"), key="sign_out"):
            auth.sign_out()
            if sso.sign_out():  # on its way to the provider's end of session: a rerun would drop the redirect
                st.stop()
            st.rerun()
    auth.send_cookie_instructions()
    if user is None and sso.finishing():  # a city account new here: the resident chooses before any page
        sso.finish_panel()
        return
    sso_trip.resume_checkin()  # back from the city's provider with a scan pending: to the check-in page
    sso.show_notice()
    started = time.perf_counter()
    try:
        page.run()
    except DomainError as error:
        REFUSALS.labels(code=error.code).inc()
        st.error(error_text(error))
    except Exception as error:  # the boundary: log it, show a translated message, never a traceback
        show_unexpected_error(error)
    finally:  # a rerun or stop ends the run early: its time still counts
        PAGE_SECONDS.labels(page=page.url_path or "home").observe(time.perf_counter() - started)
