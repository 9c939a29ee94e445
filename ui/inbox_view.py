"""The inbox in the portal: the menu entry's unread count and one message as a card, worded in the session's
language at read time."""
import streamlit as st

from db.engine import read_session
from db.models import InboxMessage, User
from points.inbox.messages import unread_count
from points.inbox.wording import word
from ui.format import moment, plain
from ui.i18n import current_language, t

INBOX_KEY = "inbox"


def menu_titles(user: User | None) -> dict[str, str]:
    """Menu titles that differ from nav.<key>: "Messages (2)" while the resident has unread messages."""
    if user is None or user.role != "resident":
        return {}
    with read_session() as session:
        unread = unread_count(session, user_id=user.id)
    return {INBOX_KEY: t("inbox.nav_unread", count=unread)} if unread else {}


def message_card(message: InboxMessage) -> bool:
    """One message, unread ones marked; True when its reader asks to mark it read."""
    wording = word(message.topic, message.params, current_language())
    with st.container(border=True):
        title = f"**{plain(wording.title)}**"
        if message.read_at is None:
            title = f":blue-badge[{t('inbox.unread_badge')}] {title}"
        st.markdown(title)
        st.markdown(plain(wording.body))
        st.caption(t("inbox.received", moment=moment(message.created_at)))
        return message.read_at is None and st.button(t("inbox.mark_read"), key=f"inbox_read_{message.id}")
