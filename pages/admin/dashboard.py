"""City dashboard: CO2e avoided and points, from daily rollups refreshed just before reading."""
from functools import partial

import pandas as pd
import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.reports.dashboard import city_dashboard, open_data_csv
from points.reports.rollups import refresh_rollups
from ui import format as fmt
from ui.admin_view import staff_user
from ui.charts import bar_chart
from ui.district_choice import community_name
from ui.downloads import download_on_click
from ui.expiry_view import liability_figures
from ui.i18n import current_language, localized, t


def co2e_chart(key: str, rows: list[tuple[str, int]]) -> None:
    """CO2e bars in one unit for the whole chart (g, kg or t by its largest bar), named on the axis."""
    if not rows:
        st.caption(t("admin.no_data"))
        return
    size, unit = fmt.chart_mass_unit([grams for _, grams in rows])
    label, value = t(f"admin.dash.{key}_label"), t("numbers.co2e_axis", unit=fmt.mass_unit_name(unit))
    top, top_grams = max(rows, key=lambda row: row[1])
    summary = t("numbers.dash_summary", top=top, amount=fmt.grams(top_grams),
                total=fmt.grams(sum(grams for _, grams in rows)), n=len(rows))
    frame = pd.DataFrame([(name, round(grams / size, fmt.MASS_DIGITS[unit])) for name, grams in rows],
                         columns=[label, value])
    bar_chart(frame, x=label, y=value, summary=summary, horizontal=key != "by_month")


def district_name(district: str | None) -> str:
    """A district in the reader's language (the map's names); one the map does not know shows as stored."""
    if not district:
        return t("admin.dash.none")
    text = t(f"map.district.{district}")
    return district if text == f"map.district.{district}" else text


user, _ = staff_user()
st.title(t("nav.dashboard"))
refresh_rollups()
with read_session() as session:
    data = city_dashboard(session, actor_id=user.id)
    names = {action.code: localized(action) for action in list_current(session)}

totals = data.points
co2e = sum(grams for _, grams in data.co2e_by_action)
figures = {"issued": fmt.number(totals.issued), "redeemed": fmt.number(totals.redeemed),
           "outstanding": fmt.number(totals.outstanding),
           "redemption_rate": fmt.number(totals.redemption_rate * 100, 1) + " %",
           "active": fmt.number(data.active_residents), "co2e": fmt.grams(co2e)}
for column, (label, value) in zip(st.columns(3) + st.columns(3), figures.items(), strict=False):
    column.metric(t(f"admin.dash.{label}"), value)
liability_figures(totals.expired)
if fmt.equivalent(co2e):
    st.caption(fmt.equivalent(co2e) + " — " + fmt.equivalent_sources())

breakdowns = (
    ("by_action", [(names.get(code, code or t("admin.dash.none")), grams) for code, grams in data.co2e_by_action]),
    ("by_category", [(t(f"admin.category.{category}"), grams) for category, grams in data.co2e_by_category]),
    ("by_district", [(district_name(district), grams) for district, grams in data.co2e_by_district]),
    ("by_community", [(community_name(community), grams) for community, grams in data.co2e_by_community]),
    ("by_month", data.co2e_by_month),
)
for key, rows in breakdowns:
    st.subheader(t(f"admin.dash.{key}"))
    co2e_chart(key, rows)

st.subheader(t("admin.dash.busiest"))
visits = [(title_zh if current_language() == "zh" else title_en, count)
          for _, title_zh, title_en, count in data.busiest_checkpoints]
if visits:
    checkpoint, count = t("admin.dash.checkpoint"), t("admin.dash.visits")
    bar_chart(pd.DataFrame(visits, columns=[checkpoint, count]), x=checkpoint, y=count, horizontal=True,
              summary=t("numbers.busiest_summary", top=visits[0][0], visits=fmt.number(visits[0][1]), n=len(visits)))
else:
    st.caption(t("admin.no_data"))

download_on_click(t("admin.dash.open_data"), partial(open_data_csv, actor_id=user.id),
                  file_name="green-egret-open-data.csv", mime="text/csv", help=t("admin.dash.open_data_help"),
                  key="open_data")
