"""The resident's home: balance, CO2e avoided in total and this week, the last 30 days, and where to act."""
import pandas as pd
import streamlit as st

from db.engine import read_session
from points.ledger.statement import summary
from ui import auth
from ui.format import grams, number
from ui.i18n import t
from ui.nav import page_link
from ui.qr import personal_code_panel

user = auth.current_user()
st.title(t("ledger.home_title", name=user.display_name))
with read_session() as session:
    figures = summary(session, user_id=user.id)

balance, total, week = st.columns(3)
balance.metric(t("ledger.balance"), number(figures.points))
total.metric(t("ledger.co2e_total"), grams(figures.co2e_g))
week.metric(t("ledger.co2e_week"), grams(figures.week_co2e_g), help=t("ledger.week_points",
                                                                      points=number(figures.week_points)))

st.subheader(t("ledger.chart_title"))
if any(points for _, points, _ in figures.daily):
    chart = pd.DataFrame([(day, points) for day, points, _ in figures.daily],
                         columns=[t("ledger.chart_day"), t("ledger.chart_points")])
    st.bar_chart(chart, x=t("ledger.chart_day"), y=t("ledger.chart_points"))
else:
    st.caption(t("ledger.no_entries_yet"))

personal_code_panel(user)

st.subheader(t("ledger.quick_links"))
for key in ("log", "ledger", "events", "map", "rewards", "score"):
    page_link(key, user.role)
