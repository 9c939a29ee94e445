"""Rewards: spend points for a code (after a confirmation), see my codes, cancel one for a refund."""
import uuid
from functools import partial

import streamlit as st

from db.engine import read_session
from db.models import Balance
from points.rewards.redemptions import ACTIVE, cancel, list_rewards, my_redemptions, redeem
from points.score.facts import score_at
from ui import auth
from ui.attempt import attempt
from ui.format import moment, number
from ui.i18n import localized, t
from ui.qr import show_code
from ui.score_view import tier_name

user = auth.current_user()


def load():
    with read_session() as session:
        return (session.get(Balance, user.id).points, score_at(session, user_id=user.id).tier, list_rewards(session),
                my_redemptions(session, user_id=user.id))


balance, tier, rewards, mine = load()
st.title(t("score.rewards.title"))
left, right = st.columns(2)
left.metric(t("score.rewards.balance"), number(balance))
right.metric(t("score.rewards.my_tier"), tier_name(tier))

done = st.session_state.pop("reward_done", None)
if done:
    st.success(t("score.rewards.redeemed", name=done["name"], code=done["code"]))
    show_code(done["code"], caption=t("score.rewards.code_caption", code=done["code"]), width=200)

refunded = st.session_state.pop("reward_refunded", None)
if refunded:
    st.success(t("score.rewards.cancelled", cost=number(refunded)))

asking = st.session_state.get("reward_asking")  # (reward id, request id): one request id per confirmation
for reward in rewards:
    with st.container(border=True):
        st.markdown(f"**{localized(reward)}** · {t('score.rewards.cost', cost=number(reward.cost))}")
        st.caption(localized(reward, "description"))
        facts = [t("score.rewards.stock", n=reward.stock) if reward.stock is not None
                 else t("score.rewards.unlimited")]
        if reward.min_tier:
            facts.append(t("score.rewards.min_tier", tier=tier_name(reward.min_tier)))
        st.caption(" · ".join(facts))
        if asking and asking[0] == reward.id:
            st.warning(t("score.rewards.confirm", cost=number(reward.cost), name=localized(reward),
                         after=number(balance - reward.cost)))
            yes, no = st.columns(2)
            if yes.button(t("score.rewards.confirm_yes"), key=f"yes_{reward.code}", type="primary"):
                redemption = attempt(partial(redeem, user_id=user.id, reward_id=reward.id, request_id=asking[1]))
                if redemption.ok:
                    st.session_state.pop("reward_asking")
                    st.session_state["reward_done"] = {"name": localized(reward), "code": redemption.value.code}
                    st.rerun()
            if no.button(t("score.rewards.confirm_no"), key=f"no_{reward.code}"):
                st.session_state.pop("reward_asking")
                st.rerun()
        elif st.button(t("score.rewards.redeem"), key=f"redeem_{reward.code}"):
            st.session_state["reward_asking"] = (reward.id, str(uuid.uuid4()))
            st.rerun()

st.subheader(t("score.rewards.mine"))
if not mine:
    st.write(t("score.rewards.none"))
for redemption, reward in mine:
    label = t("score.rewards.line", name=localized(reward), code=redemption.code, when=moment(redemption.created_at))
    with st.expander(f"{label} · {t(f'score.rewards.status.{redemption.status}')}"):
        if redemption.status != ACTIVE:
            continue
        show_code(redemption.code, caption=t("score.rewards.code_caption", code=redemption.code), width=160)
        sure = st.checkbox(t("score.rewards.cancel_confirm", cost=number(redemption.cost)),
                           key=f"sure_{redemption.id}")
        if st.button(t("score.rewards.cancel"), key=f"cancel_{redemption.id}", disabled=not sure) and attempt(
                partial(cancel, user_id=user.id, redemption_id=redemption.id)).ok:
            st.session_state["reward_refunded"] = redemption.cost
            st.rerun()
