"""A community page's environmental reports: those its residents filed while they lived there, as
points.reports.community_reports gives them (kind, status and day, never who, a note or a photo), with the page
saying which reports those are."""
import pandas as pd
import streamlit as st

from points.problems.views import PUBLIC_DAYS
from points.reports.community_reports import CommunityReports
from points.reports.open_data import MIN_RESIDENTS
from ui.district_choice import community_name
from ui.format import day, number
from ui.i18n import t
from ui.problem_view import kind_name, status_name


def community_reports(reports: CommunityReports, *, community: str) -> None:
    st.subheader(t("communities.page.reports"))
    st.caption(t("communities.page.reports_note", community=community_name(community), days=number(PUBLIC_DAYS)))
    if reports.withheld:
        st.write(t("communities.page.reports_withheld", k=MIN_RESIDENTS))
        return
    if not reports.latest:
        st.write(t("communities.page.no_reports", days=number(PUBLIC_DAYS)))
        return
    st.dataframe(pd.DataFrame([{t("open_data.report_status"): status_name(status),
                                t("open_data.report_count"): number(count)} for status, count in reports.by_status]),
                 hide_index=True, width="stretch")
    total = sum(count for _, count in reports.by_status)
    if total > len(reports.latest):
        st.caption(t("communities.page.reports_newest", shown=number(len(reports.latest)), total=number(total)))
    st.dataframe(pd.DataFrame([{t("communities.page.report_day"): day(report.reported_on),
                                t("open_data.report_kind"): kind_name(report.kind),
                                t("open_data.report_status"): status_name(report.status)}
                               for report in reports.latest]), hide_index=True, width="stretch")
