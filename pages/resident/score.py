"""My green credit score: the number, why it is what it is, what would raise it, its history, and appeals."""
import streamlit as st

from db.engine import read_session
from points.common.clock import utcnow
from points.score.appeals import appealable, file_appeal, my_appeals
from points.score.facts import load_facts
from points.score.next_step import advice
from points.score.rules import compute, history_dates, load_rules
from ui import auth
from ui.attempt import attempt
from ui.format import moment
from ui.i18n import t
from ui.score_view import (
    advice_message,
    appeal_line,
    appeal_target_label,
    components_table,
    history_chart,
    tier_name,
    tiers_table,
)

user = auth.current_user()
now = utcnow()
with read_session() as session:
    facts, penalties = load_facts(session, user_id=user.id, until=now)
    targets = appealable(session, user_id=user.id)
    appeals = my_appeals(session, user_id=user.id)
    next_step = advice(session, user_id=user.id, facts=facts, penalties=penalties, now=now)
score = compute(facts, penalties, now)
rules = load_rules()

st.title(t("score.title"))
left, right = st.columns(2)
left.metric(t("score.total"), score.total)
right.metric(t("score.tier"), tier_name(score.tier))
st.caption(t("score.as_of", when=moment(now)))
kind, text = advice_message(next_step, score)
getattr(st, kind)(text)

st.subheader(t("score.components"))
st.caption(t("score.base", base=rules["base"], min=rules["minimum"], max=rules["maximum"]))
components_table(score)

st.subheader(t("score.history"))
history_chart([compute(facts, penalties, when) for when in history_dates(now)])

st.subheader(t("score.tiers"))
tiers_table()

st.subheader(t("score.appeals"))
st.caption(t("score.appeal_intro"))
if not targets:
    st.write(t("score.appeal_nothing"))
else:
    with st.form("appeal", clear_on_submit=True):
        labels = {appeal_target_label(*item): item for item in targets}  # labels, not tuples: AppTest-friendly
        target = labels[st.selectbox(t("score.appeal_target"), list(labels))]
        note = st.text_area(t("score.appeal_note"), max_chars=1000)
        sent = st.form_submit_button(t("score.appeal_submit"))
    if sent:
        kind, target_id = target[0], target[1]
        if attempt(lambda session: file_appeal(session, user_id=user.id, note=note,
                                               claim_id=target_id if kind == "claim" else None,
                                               entry_id=target_id if kind == "entry" else None)).ok:
            st.success(t("score.appeal_sent"))
            with read_session() as session:
                appeals = my_appeals(session, user_id=user.id)
if appeals:
    st.markdown(f"**{t('score.my_appeals')}**")
    for appeal in appeals:
        st.write(appeal_line(appeal))
        if appeal.decision_reason:
            st.caption(t("score.appeal_reason", reason=appeal.decision_reason))
