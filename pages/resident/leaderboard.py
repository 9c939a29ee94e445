"""Leaderboards (opted-in residents, by nickname) and my badges."""
import pandas as pd
import streamlit as st

from db.engine import read_session
from points.places.registry import DISTRICTS
from points.reports.rollups import refresh_rollups
from points.score.badges import badges
from points.score.leaderboard import PERIODS, board
from ui import auth
from ui.format import number
from ui.i18n import t

user = auth.current_user()
st.title(t("score.board.title"))
st.caption(t("score.board.privacy"))
left, right = st.columns(2)
period = left.segmented_control(t("score.board.period"), PERIODS, default="week", key="board_period",
                                format_func=lambda code: t(f"score.board.period.{code}")) or "week"
district = right.selectbox(t("score.board.area"), ["", *DISTRICTS], key="board_district",
                           format_func=lambda code: code or t("score.board.city"))
refresh_rollups()  # folds only what is new since the last view: the board is current and never sums the ledger
with read_session() as session:
    result = board(session, period=period, district=district or None, viewer_id=user.id)
    earned = badges(session, user_id=user.id)


def table(rows) -> None:
    st.dataframe(pd.DataFrame([{
        t("score.board.rank"): row.rank,
        t("score.board.nickname"): (
            t("score.board.you", nickname=row.nickname or t("score.board.anonymous", rank=row.rank))
            if row.me else row.nickname or t("score.board.anonymous", rank=row.rank)),
        t("score.board.points"): number(row.points)} for row in rows]), hide_index=True, width="stretch")


st.subheader(t("score.board.top"))
if result.top:
    table(result.top)
else:
    st.write(t("score.board.empty"))
st.subheader(t("score.board.around_me"))
if not user.leaderboard_opt_in:
    st.info(t("score.board.not_on_board"))
elif result.me is None:
    st.write(t("score.board.no_points_yet"))
else:
    table(result.around_me)

st.subheader(t("score.badges.title"))
columns = st.columns(len(earned))
for column, badge in zip(columns, earned, strict=False):
    with column.container(border=True):
        st.markdown(("🏅 " if badge.earned else "○ ") + f"**{t(f'score.badges.{badge.code}.name')}**")
        st.caption(t(f"score.badges.{badge.code}.about"))
        st.progress(min(badge.value / badge.target, 1.0),
                    text=t("score.badges.earned") if badge.earned
                    else t("score.badges.progress", value=number(badge.value, 1 if badge.value % 1 else 0),
                           target=number(badge.target)))
