"""The public landing page: what the portal is and what the city has avoided so far."""
import streamlit as st

from db.engine import read_session
from points.reports.stats import city_totals
from ui.format import grams, number
from ui.i18n import t
from ui.nav import SIGNED_OUT, page_link

st.title(t("landing.title"))
st.write(t("landing.pitch"))
with read_session() as session:
    totals = city_totals(session)
left, right = st.columns(2)
left.metric(t("landing.city_co2e"), grams(totals.co2e_g))
right.metric(t("landing.residents"), number(totals.residents))
for key in ("signin", "register", "map", "events"):
    page_link(key, SIGNED_OUT)
