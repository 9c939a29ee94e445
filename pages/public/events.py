"""Upcoming volunteer events for everyone; signed-in residents sign up and see their events, hours and code."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.checkin import checkpoints
from ui import auth
from ui.attempt import attempt
from ui.format import moment, number, plain
from ui.i18n import current_language, t
from ui.qr import description_of, title_of

user = auth.current_user()
st.title(t("nav.events"))
with read_session() as session:
    upcoming = [(event, checkpoints.place_label(session, checkpoint=event, language=current_language()),
                 checkpoints.signup_count(session, checkpoint_id=event.id),
                 user is not None and checkpoints.is_signed_up(session, user_id=user.id, checkpoint_id=event.id))
                for event in checkpoints.list_upcoming(session)]

if not upcoming:
    st.info(t("checkin.no_upcoming"))
for event, place, signed, mine in upcoming:
    with st.container(border=True):
        st.subheader(plain(title_of(event)))
        st.write(t("checkin.when_where", start=moment(event.starts_at), end=moment(event.ends_at), place=plain(place)))
        st.caption(plain(description_of(event)))
        capacity = number(event.capacity) if event.capacity else "∞"
        st.caption(t("checkin.signups", count=number(signed), capacity=capacity))
        if user is None:
            continue
        if mine:
            st.success(t("checkin.signed_up"))
        elif st.button(t("checkin.sign_up"), key=f"signup_{event.id}") and attempt(
                partial(checkpoints.sign_up, user_id=user.id, checkpoint_id=event.id)).ok:
            st.rerun()

if user is not None:
    st.header(t("checkin.my_events"))
    with read_session() as session:
        mine = checkpoints.my_events(session, user_id=user.id)
        hours = checkpoints.my_hours(session, user_id=user.id)
    st.metric(t("checkin.my_hours"), number(hours, 1))
    for event in mine:
        st.write(f"{moment(event.starts_at)} · {plain(title_of(event))}")
