"""An event as a card people can act on (issue 14): sign up, put it in the phone's calendar, get directions.

A visitor who is not signed in keeps the event they chose in this browser session, signs in or registers, and is
brought back to the events page, where the sign-up finishes without a second tap.
"""
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from db.config import get_settings
from db.models import Checkpoint
from points.checkin import checkpoints
from points.checkin.ics import event_ics
from points.checkin.listings import EventListing
from ui.attempt import attempt
from ui.format import moment, number, plain
from ui.i18n import t
from ui.portal import RETURN_TO
from ui.qr import description_of, title_of

PENDING_SIGNUP = "events_pending_signup"  # session key: the event a visitor chose before signing in


def directions_url(event: Checkpoint, name: str) -> str | None:
    """Amap's marker link (the map residents in China use), told the point is WGS-84 as the portal stores it;
    on a phone it opens the Amap app when installed. None for an event without a point."""
    if event.lat is None or event.lon is None:
        return None
    return "https://uri.amap.com/marker?" + urlencode({"position": f"{event.lon:.6f},{event.lat:.6f}", "name": name,
                                                       "coordinate": "wgs84", "callnative": 1, "src": "green-egret"})


def calendar_file(event: Checkpoint, place: str) -> str:
    return event_ics(event, summary=title_of(event), description=description_of(event), location=place,
                     url=f"{get_settings().base_url}/events")


def sign_up(user_id: int, event_id: int) -> bool:
    return attempt(partial(checkpoints.sign_up, user_id=user_id, checkpoint_id=event_id)).ok


def finish_pending_signup(user) -> None:
    """Back from signing in or registering: sign the visitor up for the event they chose, and say so."""
    if user is None or PENDING_SIGNUP not in st.session_state:
        return
    if sign_up(user.id, st.session_state.pop(PENDING_SIGNUP)):
        st.success(t("events_ui.signed_up_on_return"))


def _sign_up_control(event: Checkpoint, *, user, mine: bool) -> None:
    if user is None:
        if st.button(t("events_ui.sign_in_to_sign_up"), key=f"signup_{event.id}", type="primary"):
            st.session_state[PENDING_SIGNUP], st.session_state[RETURN_TO] = event.id, "events"
            st.switch_page("pages/public/signin.py")
    elif mine:
        st.success(t("checkin.signed_up"))
    elif st.button(t("checkin.sign_up"), key=f"signup_{event.id}", type="primary") and sign_up(user.id, event.id):
        st.rerun()


def event_card(listing: EventListing, *, user) -> None:
    """One event's card, from what points.checkin.listings read for the whole list at once."""
    event, place, signed, mine = listing.event, listing.place, listing.signed, listing.mine
    with st.container(border=True):
        st.subheader(plain(title_of(event)))
        st.write(t("checkin.when_where", start=moment(event.starts_at), end=moment(event.ends_at), place=plain(place)))
        st.caption(plain(description_of(event)))
        capacity = number(event.capacity) if event.capacity else "∞"
        st.caption(t("checkin.signups", count=number(signed), capacity=capacity))
        _sign_up_control(event, user=user, mine=mine)
        st.download_button(t("events_ui.add_to_calendar"), partial(calendar_file, event, place),
                           file_name=f"event-{event.id}.ics", mime="text/calendar", key=f"ics_{event.id}",
                           on_click="ignore")
        if url := directions_url(event, place):
            st.link_button(t("events_ui.directions"), url)
