"""The resident's home: the two things done most (log an action, show the personal code) one tap from the top,
then the balance; outside elder mode also CO2e, the last 30 days and where else to go."""
from datetime import date

import pandas as pd
import streamlit as st

from db.engine import read_session
from points.checkin.personal_code import LIFETIME, issue_code
from points.ledger.statement import summary
from ui import auth, elder
from ui.charts import bar_chart
from ui.expiry_view import expiry_notice
from ui.format import day, grams, number
from ui.i18n import t
from ui.nav import page_link
from ui.qr import show_code


def row(count: int, *, simple: bool) -> list:
    """Side by side; one under the other at full width in elder mode, where every target is big."""
    return [st.container() for _ in range(count)] if simple else list(st.columns(count))


def chart(daily: list[tuple[str, int, int]]) -> None:
    """The last 30 days' points, with a sentence and the table for whoever cannot see the bars."""
    st.subheader(t("ledger.chart_title"))
    earned = [(date.fromisoformat(when), points) for when, points, _ in daily]
    if not any(points for _, points in earned):
        st.caption(t("ledger.no_entries_yet"))
        return
    best_day, best = max(earned, key=lambda pair: pair[1])
    sentence = t("elder.chart_summary", points=number(sum(points for _, points in earned)),
                 days=number(sum(1 for _, points in earned if points)), best=number(best), best_day=day(best_day))
    bar_chart(pd.DataFrame(earned, columns=[t("ledger.chart_day"), t("ledger.chart_points")]),
              x=t("ledger.chart_day"), y=t("ledger.chart_points"), summary=sentence)


user = auth.current_user()
simple = elder.is_on()
st.title(t("ledger.home_title", name=user.display_name))
with read_session() as session:
    figures = summary(session, user_id=user.id)

log, code = row(2, simple=simple)
if log.button(t("elder.log"), key="home_log", type="primary", icon=":material/add_task:", width="stretch"):
    st.switch_page("pages/resident/log.py")
if code.button(t("elder.my_code"), key="show_personal_code", icon=":material/qr_code_2:", width="stretch"):
    show_code(issue_code(user.id), caption=user.display_name)
    st.caption(t("checkin.personal_code_help", minutes=int(LIFETIME.total_seconds() // 60)))

expiry_notice(user.id)
if simple:
    st.metric(t("ledger.balance"), number(figures.points))
else:
    balance, total, week = st.columns(3)
    balance.metric(t("ledger.balance"), number(figures.points))
    total.metric(t("ledger.co2e_total"), grams(figures.co2e_g))
    week.metric(t("ledger.co2e_week"), grams(figures.week_co2e_g),
                help=t("ledger.week_points", points=number(figures.week_points)))
    chart(figures.daily)
    st.subheader(t("ledger.quick_links"))
    for key in ("ledger", "events", "map", "rewards", "score"):
        page_link(key, user.role)
