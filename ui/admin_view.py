"""What the admin pages draw alike: the staff reader, a reason picker, filters and pagers."""
from urllib.parse import urlencode

import streamlit as st

from points.common.roles import ADMIN
from points.review.queue import REASON_TEMPLATES
from ui import auth
from ui.i18n import t


def staff_user():
    """The signed-in admin or auditor, and whether they may change things (auditors only read)."""
    user = auth.current_user()
    return user, user.role == ADMIN


def reason_input(key: str, *, required: bool) -> str:
    """A reusable reason template, with free text that can replace or complete it."""
    choices = labels(["", *REASON_TEMPLATES], lambda code: t(f"admin.reason.{code}") if code else "—")
    template = st.selectbox(t("admin.reason_template"), list(choices), key=f"{key}_template",
                            format_func=choices.get)
    extra = st.text_input(t("admin.reason_required") if required else t("admin.reason_optional"),
                          key=f"{key}_text", max_chars=300)
    parts = [t(f"admin.reason.{template}") if template else "", extra.strip()]
    return " — ".join(part for part in parts if part)



def known_label(prefix: str, code: str | None) -> str:
    """A code in words when the catalogue knows it (flag kinds, claim reasons); unknown codes show as they are."""
    key = f"{prefix}.{code}"
    text = t(key)
    return (code or "") if text == key else text


def labels(options, label_of) -> dict:
    """Option -> label, translated now: a format_func calling t() later (e.g. under AppTest) may see no language."""
    return {option: label_of(option) for option in options}


def every(key_prefix: str):
    """Label maker for filters whose first option, "", means all: t("admin.all"), else t(prefix + option)."""
    return lambda code: t(f"{key_prefix}{code}") if code else t("admin.all")


def pager(cursors: list, next_cursor, *, key: str) -> None:
    """Newer / page n / older buttons over keyset pages; `cursors` is the session's stack of page starts."""
    newer, page, older = st.columns(3)
    if newer.button(t("admin.ledger.newer"), disabled=len(cursors) == 1, key=f"{key}_newer"):
        cursors.pop()
        st.rerun()
    page.caption(t("admin.ledger.page", page=len(cursors)))
    if older.button(t("admin.ledger.older"), disabled=next_cursor is None, key=f"{key}_older"):
        cursors.append(next_cursor)
        st.rerun()


def export_link(filters) -> str:
    """The streamed CSV export of the ledger browser's current filters (served by ui.http_routes)."""
    from ui.http_routes import LEDGER_EXPORT_PATH

    query = {"username": filters.username, "action": filters.action_code, "kind": filters.kind,
             "status": filters.status, "from": filters.date_from.isoformat() if filters.date_from else "",
             "to": filters.date_to.isoformat() if filters.date_to else ""}
    return LEDGER_EXPORT_PATH + "?" + urlencode({name: value for name, value in query.items() if value})
