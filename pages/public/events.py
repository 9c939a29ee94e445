"""Upcoming volunteer events for everyone, each a card to act on (ui.event_card); signed-in residents also see
their events and hours."""
import streamlit as st

from db.engine import read_session
from points.checkin import checkpoints
from points.checkin.listings import upcoming_listings
from ui import auth
from ui.event_card import event_card, finish_pending_signup
from ui.format import moment, number, plain
from ui.i18n import current_language, t
from ui.qr import title_of

user = auth.current_user()
st.title(t("nav.events"))
finish_pending_signup(user)
with read_session() as session:
    upcoming = upcoming_listings(session, language=current_language(), viewer_id=user.id if user is not None else None)

if not upcoming:
    st.info(t("checkin.no_upcoming"))
for listing in upcoming:
    event_card(listing, user=user)

if user is not None:
    st.header(t("checkin.my_events"))
    with read_session() as session:
        mine = checkpoints.my_events(session, user_id=user.id)
        hours = checkpoints.my_hours(session, user_id=user.id)
    st.metric(t("checkin.my_hours"), number(hours, 1))
    for event in mine:
        st.write(f"{moment(event.starts_at)} · {plain(title_of(event))}")
