"""Open data for everyone: CO₂e avoided by action, district, community and month, as tables and a CSV, with every
group of fewer than 5 residents withheld (points.reports.open_data says how, this page says why)."""
import pandas as pd
import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.reports.open_data import MIN_RESIDENTS, open_data, public_csv, report_counts, totals_by
from points.reports.rollups import refresh_rollups
from ui.district_choice import community_name, district_name
from ui.downloads import download_on_click
from ui.format import grams, number
from ui.i18n import localized, t

st.title(t("nav.open-data"))
st.markdown(t("open_data.about", k=MIN_RESIDENTS))
refresh_rollups()
with read_session() as session:
    data = open_data(session)
    actions = {action.code: localized(action) for action in list_current(session)}
    reports = report_counts(session)

download_on_click(t("open_data.download"), public_csv, file_name="green-egret-open-data.csv", mime="text/csv",
                  help=t("open_data.download_help"), key="open_data_csv")
st.caption(t("open_data.withheld", published=number(len(data.cells)), withheld=number(data.withheld)))

BREAKDOWNS = (
    ("by_action", lambda cell: cell.action_code, lambda code: actions.get(code, code)),
    ("by_district", lambda cell: cell.district, district_name),
    ("by_community", lambda cell: cell.community, community_name),
    ("by_month", lambda cell: cell.month, str),
)
if not data.cells:
    st.info(t("open_data.empty", k=MIN_RESIDENTS))
for key, group, name in BREAKDOWNS if data.cells else ():
    st.subheader(t(f"open_data.{key}"))
    st.dataframe(pd.DataFrame([{t(f"open_data.{key}_label"): name(value), t("open_data.co2e"): grams(total)}
                               for value, total in totals_by(data.cells, group)]), hide_index=True, width="stretch")

if reports:
    st.subheader(t("open_data.reports"))
    st.dataframe(pd.DataFrame([{t("open_data.report_kind"): t(f"problems.kind.{kind}"),
                                t("open_data.report_status"): t(f"problems.status.{status}"),
                                t("open_data.report_count"): number(count)} for kind, status, count in reports]),
                 hide_index=True, width="stretch")
