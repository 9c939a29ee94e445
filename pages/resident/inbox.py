"""Messages: what concerns the resident (appeal decisions, their reports, events tomorrow, points expiring),
newest first, unread ones marked until read."""
import streamlit as st

from db.engine import read_session
from points.inbox.messages import mark_read, recent
from ui import auth
from ui.attempt import attempt
from ui.format import number
from ui.i18n import t
from ui.inbox_view import message_card

user = auth.current_user()
st.title(t("inbox.title"))
st.caption(t("inbox.intro"))
with read_session() as session:
    messages = recent(session, user_id=user.id)

unread = [message.id for message in messages if message.read_at is None]
if not messages:
    st.info(t("inbox.empty"))
elif unread:
    st.write(t("inbox.unread_count", count=number(len(unread))))
    if st.button(t("inbox.mark_all_read"), key="inbox_read_all"):
        attempt(lambda session: mark_read(session, user_id=user.id))
        st.rerun()  # the menu's count was drawn before this page ran

for message in messages:
    if message_card(message):
        attempt(lambda session, chosen=message.id: mark_read(session, user_id=user.id, message_ids=[chosen]))
        st.rerun()
