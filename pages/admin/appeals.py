"""Appeals against rejected claims and reversed credits: admins decide with a reason, auditors read."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.score.appeals import appeals_for_staff, decide_appeal
from ui.admin_view import staff_user
from ui.attempt import attempt
from ui.format import moment
from ui.i18n import t
from ui.score_view import appeal_target

user, can_decide = staff_user()
st.title(t("score.appeals.title"))
show = st.segmented_control(t("score.appeals.filter"), ("open", "all"), default="open", key="appeals_filter",
                            format_func=lambda code: t(f"score.appeals.filter.{code}")) or "open"
with read_session() as session:
    appeals = appeals_for_staff(session, actor_id=user.id, status="open" if show == "open" else None)
if not can_decide:
    st.info(t("score.appeals.read_only"))
if not appeals:
    st.write(t("score.appeals.none"))

for appeal in appeals:
    with st.container(border=True):
        st.markdown(t("score.appeals.line", id=appeal.id, user=appeal.user_id, target=appeal_target(appeal),
                      when=moment(appeal.created_at), status=t(f"score.appeal_status.{appeal.status}")))
        st.text(t("score.appeals.note", note=appeal.note))
        if appeal.decision_reason:
            st.text(t("score.appeal_reason", reason=appeal.decision_reason))
        if not can_decide or appeal.status != "open":
            continue
        reason = st.text_input(t("score.appeals.reason"), key=f"reason_{appeal.id}", max_chars=400)
        uphold, dismiss = st.columns(2)
        choice = (True if uphold.button(t("score.appeals.uphold"), key=f"uphold_{appeal.id}")
                  else False if dismiss.button(t("score.appeals.dismiss"), key=f"dismiss_{appeal.id}") else None)
        if choice is None:
            continue
        decided = attempt(partial(decide_appeal, actor_id=user.id, appeal_id=appeal.id, uphold=choice,
                                  reason=reason))
        if decided.ok:
            st.success(t("score.appeals.decided", status=t(f"score.appeal_status.{decided.value.status}")))
