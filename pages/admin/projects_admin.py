"""Admins write public projects (texts in both languages, a goal in points), publish and close them, or cancel one,
which gives every gift back."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.projects.gifts import givers
from points.projects.refunds import cancel_and_refund, unrefunded
from points.projects.registry import (
    CANCELLED,
    CLOSED,
    DESCRIPTION_LIMIT,
    DRAFT,
    FUNDED,
    MAX_GOAL,
    OPEN,
    STATUSES,
    TITLE_LIMIT,
    create_project,
    list_projects,
    set_status,
)
from ui import auth
from ui.attempt import attempt, attempt_step
from ui.format import number
from ui.i18n import t
from ui.project_view import project_card_head

user = auth.current_user()
with read_session() as session:
    projects = [(project, givers(session, project_id=project.id), len(unrefunded(session, project_id=project.id)))
                for project in list_projects(session, statuses=STATUSES)]

st.title(t("nav.admin-projects"))
done = st.session_state.pop("project_admin_done", None)
if done:
    st.success(done)


def then_say(message: str) -> None:
    st.session_state["project_admin_done"] = message
    st.rerun()


with st.expander(t("projects.admin.new"), expanded=not projects), st.form("project_new", clear_on_submit=True):
    title_zh = st.text_input(t("projects.admin.title_zh"), max_chars=TITLE_LIMIT)
    title_en = st.text_input(t("projects.admin.title_en"), max_chars=TITLE_LIMIT)
    description_zh = st.text_area(t("projects.admin.description_zh"), max_chars=DESCRIPTION_LIMIT)
    description_en = st.text_area(t("projects.admin.description_en"), max_chars=DESCRIPTION_LIMIT)
    goal = st.number_input(t("projects.admin.goal"), min_value=1, max_value=MAX_GOAL, value=10_000, step=1000)
    if st.form_submit_button(t("projects.admin.create"), type="primary") and attempt(partial(
            create_project, actor_id=user.id, title_zh=title_zh, title_en=title_en, description_zh=description_zh,
            description_en=description_en, goal_points=int(goal))).ok:
        then_say(t("projects.admin.created"))

for project, count, pending in projects:
    with st.container(border=True):
        project_card_head(project, givers=count)
        if project.status == DRAFT and st.button(t("projects.admin.publish"), key=f"publish_{project.id}") and attempt(
                partial(set_status, actor_id=user.id, project_id=project.id, status=OPEN)).ok:
            then_say(t("projects.admin.published"))
        if project.status in (OPEN, FUNDED) and st.button(t("projects.admin.close"), key=f"close_{project.id}") \
                and attempt(partial(set_status, actor_id=user.id, project_id=project.id, status=CLOSED)).ok:
            then_say(t("projects.admin.closed"))
        if project.status == CLOSED or (project.status == CANCELLED and not pending):
            continue
        if project.status == CANCELLED:
            st.warning(t("projects.admin.refunds_pending", n=number(pending)))
        sure = st.checkbox(t("projects.admin.cancel_confirm", n=number(pending)), key=f"sure_{project.id}")
        if st.button(t("projects.admin.cancel"), key=f"cancel_{project.id}", disabled=not sure):
            refunded = attempt_step(partial(cancel_and_refund, actor_id=user.id, project_id=project.id))
            if refunded.ok:
                then_say(t("projects.admin.cancelled", n=number(refunded.value or 0)))
