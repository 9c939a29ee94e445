"""Public projects for everyone, each with its goal and a progress bar; residents give points to open ones here."""
import uuid
from functools import partial

import streamlit as st

from db.engine import read_session
from db.models import Balance
from points.common.roles import RESIDENT
from points.projects.gifts import give, givers, my_gifts
from points.projects.registry import OPEN, list_projects
from ui import auth
from ui.attempt import attempt
from ui.format import number
from ui.i18n import localized, t
from ui.project_view import my_gifts as gift_list
from ui.project_view import project_card_head

user = auth.current_user()
resident = user is not None and user.role == RESIDENT
with read_session() as session:
    projects = [(project, givers(session, project_id=project.id)) for project in list_projects(session)]
    balance = session.get(Balance, user.id).points if resident else 0
    gifts = my_gifts(session, user_id=user.id) if resident else []

st.title(t("nav.projects"))
st.caption(t("projects.intro"))
given = st.session_state.pop("project_given", None)
if given:
    st.success(t("projects.given", points=number(given["points"]), title=given["title"]))
if resident:
    st.metric(t("projects.balance"), number(balance))
if not projects:
    st.info(t("projects.none"))

requests = st.session_state.setdefault("project_requests", {})  # project id -> the request id of the next gift
for project, count in projects:
    with st.container(border=True):
        project_card_head(project, givers=count)
        remaining = project.goal_points - project.raised_points
        if not resident or project.status != OPEN or remaining <= 0:
            continue
        with st.form(f"give_{project.id}"):
            points = st.number_input(t("projects.amount"), min_value=1, max_value=remaining,
                                     value=min(100, remaining), step=10, key=f"give_points_{project.id}")
            if st.form_submit_button(t("projects.give"), type="primary"):
                request_id = requests.setdefault(project.id, str(uuid.uuid4()))
                done = attempt(partial(give, user_id=user.id, project_id=project.id, points=int(points),
                                       request_id=request_id))
                if done.ok:
                    requests.pop(project.id, None)
                    st.session_state["project_given"] = {"points": int(points), "title": localized(project, "title")}
                    st.rerun()

if resident:
    st.header(t("projects.mine"))
    gift_list(gifts, user_id=user.id)
