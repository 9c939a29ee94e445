"""City dashboard: CO2e avoided and points, from daily rollups refreshed just before reading."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.reports.dashboard import city_dashboard, open_data_csv
from points.reports.rollups import refresh_rollups
from ui import format as fmt
from ui.admin_view import bars_with_numbers, staff_user
from ui.downloads import download_on_click
from ui.i18n import current_language, localized, t

user, _ = staff_user()
st.title(t("nav.dashboard"))
refresh_rollups()
with read_session() as session:
    data = city_dashboard(session, actor_id=user.id)
    names = {action.code: localized(action) for action in list_current(session)}

totals = data.points
figures = {"issued": fmt.number(totals.issued), "redeemed": fmt.number(totals.redeemed),
           "outstanding": fmt.number(totals.outstanding),
           "redemption_rate": fmt.number(totals.redemption_rate * 100, 1) + " %",
           "active": fmt.number(data.active_residents),
           "co2e": fmt.grams(sum(grams for _, grams in data.co2e_by_action))}
for column, (label, value) in zip(st.columns(3) + st.columns(3), figures.items(), strict=False):
    column.metric(t(f"admin.dash.{label}"), value)

kg = t("admin.dash.kg")
breakdowns = (
    ("by_action", [(names.get(code, code or t("admin.dash.none")), grams / 1000)
                   for code, grams in data.co2e_by_action]),
    ("by_category", [(t(f"admin.category.{category}"), grams / 1000) for category, grams in data.co2e_by_category]),
    ("by_district", [(district or t("admin.dash.none"), grams / 1000) for district, grams in data.co2e_by_district]),
    ("by_month", [(month, grams / 1000) for month, grams in data.co2e_by_month]),
)
for key, rows in breakdowns:
    st.subheader(t(f"admin.dash.{key}"))
    bars_with_numbers(rows, label=t(f"admin.dash.{key}_label"), value=kg, key=key)

st.subheader(t("admin.dash.busiest"))
bars_with_numbers([(title_zh if current_language() == "zh" else title_en, visits)
                   for _, title_zh, title_en, visits in data.busiest_checkpoints],
                  label=t("admin.dash.checkpoint"), value=t("admin.dash.visits"), key="busiest")

download_on_click(t("admin.dash.open_data"), partial(open_data_csv, actor_id=user.id),
                  file_name="green-egret-open-data.csv", mime="text/csv", help=t("admin.dash.open_data_help"),
                  key="open_data")
