"""Report an environmental problem: pin the spot on the map (a tap, or the phone's position where the browser
allows it), pick the kind; if an open report of that kind is within 50 m, the page offers "same problem?" first;
then a photo and a note. Below: my reports with every step, and those I said were the same problem."""
import streamlit as st

from db.engine import read_session
from points.catalogue.actions import current_action
from points.problems.filing import file_report, join_report, same_problem_candidates
from points.problems.rules import KINDS, MAX_NOTE
from points.problems.triage import REPORT_ACTION
from points.problems.views import joined_reports, my_reports, public_pins
from ui import auth
from ui.attempt import attempt
from ui.format import day, number, plain
from ui.i18n import current_language, t
from ui.map import configured_tiles, show_map, words
from ui.problem_view import PHOTO_TYPES, cleaned_photo, header, kind_name, show_steps, status_name

user = auth.current_user()
language, say = current_language(), words(current_language())
with read_session() as session:
    pins, worth = public_pins(session), current_action(session, code=REPORT_ACTION).points_per_unit or 0

st.title(t("problems.report.title"))
st.caption(t("problems.report.intro", points=number(worth)))
for kind, key in (("success", "problem_sent"), ("success", "problem_joined"), ("info", "problem_already_joined")):
    if key in st.session_state:
        getattr(st, kind)(t(f"problems.report.{key.removeprefix('problem_')}", id=st.session_state.pop(key)))

st.caption(t("problems.report.spot_help"))
spot = st.session_state.get("problem_spot")
click = show_map([], language=language, tiles=configured_tiles(), height=420, compact=True, reports=pins,
                 locate=True, chosen=spot)
if click and click != st.session_state.get("problem_click"):
    st.session_state["problem_click"] = st.session_state["problem_spot"] = spot = click
st.markdown(t("problems.report.spot", lat=f"{spot[0]:.5f}", lon=f"{spot[1]:.5f}") if spot
            else t("problems.report.spot_none"))

kind = st.selectbox(t("problems.report.kind"), KINDS, key="problem_kind",
                    format_func=lambda code: say(f"problems.kind.{code}"))
nearby = []
if spot:
    with read_session() as session:
        nearby = same_problem_candidates(session, kind=kind, lat=spot[0], lon=spot[1])
if nearby:
    st.subheader(t("problems.report.same_title"))
    st.info(t("problems.report.same_intro"))
    for candidate in nearby:
        with st.container(border=True):
            st.markdown(t("problems.report.candidate", id=candidate.report_id, kind=kind_name(candidate.kind),
                          status=status_name(candidate.status), distance=number(candidate.distance_m),
                          day=day(candidate.created_at.date()), n=number(candidate.residents)))
            if st.button(t("problems.report.join", id=candidate.report_id), key=f"join_{candidate.report_id}",
                         type="primary"):
                joined = attempt(lambda session, c=candidate: join_report(session, user_id=user.id,
                                                                          report_id=c.report_id))
                if joined.ok:
                    outcome = "problem_joined" if joined.value.created else "problem_already_joined"
                    st.session_state[outcome] = candidate.report_id
                    st.session_state.pop("problem_spot", None)
                    st.rerun()
    different = st.checkbox(t("problems.report.different"), key="problem_different")
else:
    different = True

if different:
    with st.form("problem_form", clear_on_submit=True):
        photo = st.file_uploader(t("problems.report.photo"), type=PHOTO_TYPES, key="problem_photo")
        note = st.text_area(t("problems.report.note"), max_chars=MAX_NOTE, help=t("problems.report.note_help"),
                            key="problem_note")
        sent = st.form_submit_button(t("problems.report.submit"), type="primary")
    if sent:
        cleaned = cleaned_photo(photo)
        if cleaned.ok:
            filed = attempt(lambda session: file_report(session, user_id=user.id, kind=kind,
                                                        lat=spot[0] if spot else None, lon=spot[1] if spot else None,
                                                        note=note, photo=cleaned.value))
            if filed.ok:
                st.session_state["problem_sent"] = filed.value.id
                for key in ("problem_spot", "problem_different"):
                    st.session_state.pop(key, None)
                st.rerun()

with read_session() as session:
    mine, joined_trails = my_reports(session, user_id=user.id), joined_reports(session, user_id=user.id)
st.subheader(t("problems.report.mine"))
if not mine:
    st.caption(t("problems.report.none"))
for trail in mine:
    with st.expander(header(trail)):
        if trail.report.photo:
            st.image(trail.report.photo, width=240)
        if trail.report.note:
            st.markdown(plain(trail.report.note))
        show_steps(trail, viewer_id=user.id)
        if trail.points:
            st.success(t("problems.report.credit", points=number(trail.points)))
if joined_trails:
    st.subheader(t("problems.report.joined_title"))
    for trail in joined_trails:
        with st.expander(header(trail)):
            show_steps(trail, viewer_id=user.id)
