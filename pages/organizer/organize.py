"""Organise: create and edit checkpoints, publish, print codes, run a kiosk, watch attendance, export, close."""
from datetime import timedelta
from functools import partial

import pandas as pd
import streamlit as st

from db.engine import read_session
from points.checkin import checkpoints, closing
from points.checkin.posters import find_cjk_font, poster_pdf, poster_png
from points.checkin.tokens import SLOT_SECONDS, checkin_link, kiosk_token
from points.common.errors import DomainError
from points.places.registry import list_places
from ui import auth
from ui.attempt import attempt
from ui.checkpoint_form import checkpoint_form
from ui.downloads import download_on_click
from ui.format import moment
from ui.i18n import current_language, error_text, t
from ui.qr import show_code, title_of

CHOSEN = "organize_checkpoint"


def create_and_open(session, **values):
    """Create the draft and have the next run show it, where Publish and the posters are."""
    created = checkpoints.create_checkpoint(session, **values)
    st.session_state[CHOSEN] = created.id
    return created


def act(action, **kwargs) -> None:
    """Run one organiser action; rerun to show the new state (a refusal is shown by attempt)."""
    if attempt(lambda session: action(session, actor_id=user.id, **kwargs)).ok:
        st.rerun()


@st.fragment(run_every=timedelta(seconds=SLOT_SECONDS // 3))
def kiosk(checkpoint_id: int) -> None:
    """The screen volunteers scan: the code changes every 30 s, so an old photo stops working."""
    show_code(checkin_link(checkpoint_id, kiosk_token(checkpoint_id)), width=420)


@st.fragment(run_every=timedelta(seconds=10))
def live_attendance(checkpoint_id: int) -> None:
    with read_session() as session:
        rows = checkpoints.attendance(session, actor_id=user.id, checkpoint_id=checkpoint_id)
    st.metric(t("checkin.checked_in_count"), len(rows))
    st.dataframe(pd.DataFrame([{t("checkin.col.name"): row.display_name,
                                t("checkin.col.in"): moment(row.checked_in_at),
                                t("checkin.col.out"): moment(row.checked_out_at) if row.checked_out_at else "",
                                t("checkin.col.hours"): row.hours, t("checkin.col.status"): row.status,
                                t("checkin.col.flag"): row.flag or ""} for row in rows]), hide_index=True)


def attendance_file(session, *, checkpoint_id: int) -> bytes:
    """With a byte-order mark, so spreadsheet programs read the Chinese names as UTF-8."""
    return checkpoints.attendance_csv(session, actor_id=user.id, checkpoint_id=checkpoint_id).encode("utf-8-sig")


user = auth.current_user()
st.title(t("nav.organize"))
with read_session() as session:
    managed = checkpoints.list_managed(session, actor_id=user.id)
    places = list_places(session)
by_id = {checkpoint.id: checkpoint for checkpoint in managed}
# Labels are made now: AppTest calls format_func outside the run, where the language is unknown.
# Without the status: a label that changes (draft -> published) would make Streamlit drop the choice on publishing.
labels = {None: t("checkin.new")} | {cid: f"#{cid} {title_of(cp)}" for cid, cp in by_id.items()}
options = list(labels)
chosen = st.session_state.get(CHOSEN)  # the page's own record: a new draft is chosen by create_and_open
# No widget key: the picker's identity follows `index`, so a choice made here (a new draft) is drawn afresh.
picked = st.selectbox(t("checkin.choose"), options, index=options.index(chosen) if chosen in labels else 0,
                      format_func=labels.get)
st.session_state[CHOSEN] = picked
current = by_id.get(picked)

if current is None or current.status != "closed":
    with st.expander(t("checkin.edit") if current else t("checkin.new"), expanded=current is None):
        save = (partial(create_and_open, actor_id=user.id) if current is None
                else partial(checkpoints.update_checkpoint, actor_id=user.id, checkpoint_id=current.id))
        if checkpoint_form(places, current, save=lambda session, values: save(session, **values)):
            st.rerun()

if current is not None:
    with read_session() as session:
        place, shown_place = (checkpoints.place_label(session, checkpoint=current),
                              checkpoints.place_label(session, checkpoint=current, language=current_language()))
    st.write(t("checkin.when_where", start=moment(current.starts_at), end=moment(current.ends_at), place=shown_place))
    st.caption(t("checkin.status." + current.status))
    left, right = st.columns(2)
    if current.status == "draft" and left.button(t("checkin.publish"), type="primary"):
        act(checkpoints.publish, checkpoint_id=current.id)
    if current.status != "closed" and right.button(t("checkin.close")):
        act(closing.close, checkpoint_id=current.id)
    if current.rotating and current.status == "published":
        st.subheader(t("checkin.kiosk"))
        st.caption(t("checkin.kiosk_help", seconds=SLOT_SECONDS))
        kiosk(current.id)
    elif not current.rotating:
        try:
            find_cjk_font()  # the posters are drawn on click; a missing font is said now, not as a failed download
        except DomainError as error:
            st.warning(error_text(error))
        else:
            st.download_button(t("checkin.poster_png"), partial(poster_png, current, place),
                               f"checkpoint-{current.id}.png", "image/png")
            st.download_button(t("checkin.poster_pdf"), partial(poster_pdf, current, place),
                               f"checkpoint-{current.id}.pdf", "application/pdf")
    st.subheader(t("checkin.attendance"))
    live_attendance(current.id)
    download_on_click(t("checkin.export_csv"), partial(attendance_file, checkpoint_id=current.id),
                      file_name=f"attendance-{current.id}.csv", mime="text/csv")
