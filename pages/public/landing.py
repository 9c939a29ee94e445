"""The public landing page: what the portal is, what the city has avoided so far and month by month, what is on
next and where, so a visitor scanning a poster sees why to join before being asked to register."""
from datetime import date

import pandas as pd
import streamlit as st
from babel.dates import format_skeleton

from db.engine import read_session
from points.checkin.checkpoints import checkpoint_pins, list_upcoming, place_label
from points.reports.rollups import refresh_rollups
from points.reports.stats import city_months, city_totals
from ui.charts import bar_chart
from ui.format import chart_mass_unit, equivalent, equivalent_sources, grams, mass_unit_name, moment, number, plain
from ui.i18n import babel_locale, current_language, t
from ui.map import configured_tiles, show_map
from ui.nav import SIGNED_OUT, page_link
from ui.qr import title_of

UPCOMING = 3  # the next few events: the events page lists them all


def month_label(month: str) -> str:
    """ "2026-03" as "Mar 2026" / "2026年3月"."""
    return format_skeleton("yMMM", date.fromisoformat(f"{month}-01"), locale=babel_locale())


def month_chart(months: list[tuple[str, int]]) -> None:
    """Bars in one unit chosen by the biggest month, with the sentence and the table that say the same."""
    if not months:
        st.info(t("landing.months_empty"))
        return
    size, unit = chart_mass_unit([value for _, value in months])
    axis, value = t("landing.months_axis"), t("landing.months_value", unit=mass_unit_name(unit))
    best = max(months, key=lambda row: row[1])
    summary = t("landing.months_summary", first=month_label(months[0][0]), last=month_label(months[-1][0]),
                total=grams(sum(mass for _, mass in months)), best=month_label(best[0]), best_amount=grams(best[1]))
    data = pd.DataFrame([{axis: month_label(month), value: round(mass / size, 1)} for month, mass in months])
    bar_chart(data, x=axis, y=value, summary=summary)


st.title(t("landing.title"))
st.write(t("landing.pitch"))
refresh_rollups()  # folds only what is new since the last view, so the months agree with the total
with read_session() as session:
    totals = city_totals(session)
    months = city_months(session)
    language = current_language()
    events = [(event, place_label(session, checkpoint=event, language=language))
              for event in list_upcoming(session)[:UPCOMING]]
    pins = checkpoint_pins(session)

left, right = st.columns(2)
left.metric(t("landing.city_co2e"), grams(totals.co2e_g))
right.metric(t("landing.residents"), number(totals.residents))
comparison = equivalent(totals.co2e_g)
if comparison:
    st.write(comparison)
    st.caption(equivalent_sources())
for key in ("register", "signin"):
    page_link(key, SIGNED_OUT)

st.subheader(t("landing.months_title"))
month_chart(months)

st.subheader(t("landing.events_title"))
if not events:
    st.info(t("landing.no_events"))
for event, place in events:
    with st.container(border=True):
        st.markdown(f"**{plain(title_of(event))}**")
        st.write(t("landing.event_when_where", start=moment(event.starts_at), place=plain(place)))
page_link("events", SIGNED_OUT)

st.subheader(t("landing.map_title"))
st.caption(t("landing.map_caption"))
show_map(pins, language=language, tiles=configured_tiles(), height=320, compact=True)
page_link("map", SIGNED_OUT)
