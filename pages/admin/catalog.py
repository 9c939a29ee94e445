"""Catalogue: a factor change needs a cited source and becomes a new version; rewards' cost, stock, active."""
import streamlit as st

from db.engine import read_session
from points.catalogue.catalog_admin import action_versions, edit_factor, list_actions
from points.rewards.admin import reward_terms, update_reward
from ui.admin_view import staff_user
from ui.attempt import attempt
from ui.i18n import current_language, localized, t

user, can_change = staff_user()
st.title(t("nav.catalog"))
if message := st.session_state.pop("catalog_message", None):
    st.success(message)
language = current_language()  # read now: the format_funcs below may run outside this run
with read_session() as session:
    actions = list_actions(session, actor_id=user.id)
    rewards = reward_terms(session, actor_id=user.id)

st.subheader(t("admin.catalog.actions"))
st.dataframe([{t("admin.catalog.code"): action.code, t("admin.catalog.name"): localized(action),
               t("admin.catalog.unit"): action.unit, t("admin.catalog.factor"): action.factor_g,
               t("admin.catalog.cap"): action.daily_cap, t("admin.catalog.version"): action.version,
               t("admin.catalog.source"): action.source} for action in actions], hide_index=True, key="actions_table")
if actions:
    by_code = {action.code: action for action in actions}
    code = st.selectbox(t("admin.catalog.pick_action"), list(by_code), key="catalog_action",
                        format_func=lambda c: f"{c} · {localized(by_code[c], language=language)}")
    with read_session() as session:
        history = action_versions(session, actor_id=user.id, code=code)
    with st.expander(t("admin.catalog.history")):
        st.dataframe([{t("admin.catalog.version"): old.version, t("admin.catalog.factor"): old.factor_g,
                       t("admin.catalog.source"): old.source, t("admin.catalog.current"): old.current}
                      for old in history], hide_index=True, key="history_table")
    if can_change:
        action = by_code[code]
        with st.form("edit_factor"):
            factor = st.number_input(t("admin.catalog.factor"), min_value=0.0, value=float(action.factor_g),
                                     key="factor_value")
            # keyed by action: a fixed key kept the cap of the action shown first and saved it for this one
            cap = st.number_input(t("admin.catalog.cap"), min_value=0.0, value=action.daily_cap,
                                  key=f"factor_cap_{code}")
            source = st.text_input(t("admin.catalog.source_required"), max_chars=400, key="factor_source")
            if st.form_submit_button(t("admin.catalog.save_factor")):
                new = attempt(lambda session: edit_factor(session, actor_id=user.id, code=code, source=source,
                                                          factor_g=factor, daily_cap=cap))
                if new.ok:
                    st.session_state["catalog_message"] = t("admin.catalog.saved_factor", code=code,
                                                            version=new.value.version)
                    st.rerun()

st.subheader(t("admin.catalog.rewards"))
st.dataframe([{t("admin.catalog.code"): reward.code, t("admin.catalog.name"): localized(reward),
               t("admin.catalog.cost"): reward.cost, t("admin.catalog.stock"): reward.stock,
               t("admin.catalog.active"): reward.active} for reward in rewards], hide_index=True, key="rewards_table")
if can_change and rewards:
    by_id = {reward.id: reward for reward in rewards}
    reward_id = st.selectbox(t("admin.catalog.pick_reward"), list(by_id), key="catalog_reward",
                             format_func=lambda i: f"{by_id[i].code} · {localized(by_id[i], language=language)}")
    reward = by_id[reward_id]
    with st.form("edit_reward"):
        cost = st.number_input(t("admin.catalog.cost"), min_value=1, step=1, value=reward.cost, key="reward_cost")
        unlimited = st.checkbox(t("admin.catalog.unlimited"), value=reward.stock is None, key="reward_unlimited")
        stock = st.number_input(t("admin.catalog.stock"), min_value=0, step=1, value=reward.stock or 0,
                                key="reward_stock")
        active = st.checkbox(t("admin.catalog.active"), value=reward.active, key="reward_active")
        if st.form_submit_button(t("admin.catalog.save_reward")) and attempt(
                lambda session: update_reward(session, actor_id=user.id, reward_id=reward.id, cost=int(cost),
                                              stock=None if unlimited else int(stock), active=active)).ok:
            st.session_state["catalog_message"] = t("admin.catalog.saved_reward", code=reward.code)
            st.rerun()
