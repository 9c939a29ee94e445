"""Triage of environmental reports, one at a time: confirm (credits the reporter once), assign, start, fix with
a note and an after photo, or close as not a problem with a reason. Auditors read; only admins act (the domain
checks it again)."""
import streamlit as st

from db.engine import read_session
from points.common.roles import ADMIN
from points.problems.rules import MAX_STEP_NOTE, OPEN, STATUSES
from points.problems.triage import assign, take_step
from points.problems.views import assignable_admins, triage_queue
from ui import auth
from ui.attempt import attempt
from ui.format import day, number, plain
from ui.i18n import current_language, t
from ui.map import words
from ui.problem_view import PHOTO_TYPES, cleaned_photo, show_steps

user = auth.current_user()
can_act, say = user.role == ADMIN, words(current_language())
st.title(t("problems.triage.title"))
st.caption(t("problems.triage.intro"))
if not can_act:
    st.info(t("problems.triage.read_only"))
done = st.session_state.pop("triage_done", None)
if done:
    st.success(done)

statuses = st.multiselect(t("problems.triage.statuses"), STATUSES, default=list(OPEN), key="triage_statuses",
                          format_func=lambda status: say(f"problems.status.{status}"))
with read_session() as session:
    queue = {item.trail.report.id: item for item in triage_queue(session, actor_id=user.id,
                                                                  statuses=tuple(statuses))}
    admins = assignable_admins(session, actor_id=user.id)
if not queue:
    st.caption(t("problems.triage.empty"))
    st.stop()


def option(report_id: int) -> str:
    item = queue[report_id]
    report = item.trail.report
    return say("problems.triage.option", id=report_id, kind=say(f"problems.kind.{report.kind}"),
               status=say(f"problems.status.{report.status}"), day=report.created_at.date().isoformat(),
               n=item.trail.residents)


chosen = st.selectbox(t("problems.triage.pick"), list(queue), key="triage_pick", format_func=option)
item = queue[chosen]
report = item.trail.report
names = {**admins, report.reporter_id: item.reporter}
st.markdown(plain(t("problems.triage.reporter", name=item.reporter, district=report.district
                    or t("problems.triage.no_district"))))
st.markdown(t("problems.triage.where", lat=f"{report.lat:.5f}", lon=f"{report.lon:.5f}")
            + f" · {day(report.created_at.date())} · {t('problems.report.residents', n=number(item.trail.residents))}")
if item.assignee:
    st.markdown(plain(t("problems.triage.assignee", name=item.assignee)))
if report.note:
    st.caption(t("problems.triage.note"))
    st.text(report.note)
if report.photo:
    st.image(report.photo, width=320)
show_steps(item.trail, viewer_id=user.id, names=lambda actor: names.get(actor, "") if actor else "")


def act(write, outcome: str) -> None:
    """One step in its own transaction; the page says what happened, or that nothing needed to change."""
    result = attempt(write)
    if result.ok:
        unchanged = result.value.step is None
        st.session_state["triage_done"] = t("problems.triage.done.unchanged" if unchanged
                                            else f"problems.triage.done.{outcome}", id=chosen,
                                            points=number(result.value.points))
        st.rerun()


if can_act and report.status in OPEN:
    left, right = st.columns(2)
    if report.status == "new" and left.button(t("problems.triage.confirm"), type="primary", key="triage_confirm"):
        act(lambda session: take_step(session, actor_id=user.id, report_id=chosen, action="confirm"), "confirmed")
    if report.status == "confirmed" and left.button(t("problems.triage.start"), key="triage_start"):
        act(lambda session: take_step(session, actor_id=user.id, report_id=chosen, action="start"), "started")
    assignee = right.selectbox(t("problems.triage.assign_to"), list(admins), format_func=admins.get,
                               key="triage_assignee")
    if right.button(t("problems.triage.assign"), key="triage_assign") and assignee is not None:
        act(lambda session: assign(session, actor_id=user.id, report_id=chosen, assignee_id=assignee), "assigned")
    if report.status != "new":
        with st.form("triage_fix_form", clear_on_submit=True):
            note = st.text_area(t("problems.triage.fix_note"), max_chars=MAX_STEP_NOTE)
            photo = st.file_uploader(t("problems.triage.fix_photo"), type=PHOTO_TYPES)
            if st.form_submit_button(t("problems.triage.fix"), type="primary", key="triage_fix"):
                cleaned = cleaned_photo(photo)
                if cleaned.ok:
                    act(lambda session: take_step(session, actor_id=user.id, report_id=chosen, action="fix",
                                                  note=note, photo=cleaned.value), "fixed")
    else:
        with st.form("triage_dismiss_form", clear_on_submit=True):
            reason = st.text_area(t("problems.triage.reason"), max_chars=MAX_STEP_NOTE)
            if st.form_submit_button(t("problems.triage.dismiss"), key="triage_dismiss"):
                act(lambda session: take_step(session, actor_id=user.id, report_id=chosen, action="dismiss",
                                              note=reason), "dismissed")
