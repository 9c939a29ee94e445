"""My certificates as PDF, each with a QR link anyone can open to check it: volunteer hours, a year's carbon, gifts."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.certificates.issuing import issue_carbon, issue_volunteer
from points.certificates.statements import active_years, carbon_year, volunteer_hours
from points.common.clock import utcnow
from points.projects.gifts import my_gifts
from ui import auth
from ui.certificate_view import certificate_download
from ui.format import grams, number
from ui.i18n import t
from ui.project_view import my_gifts as gift_list

user = auth.current_user()
with read_session() as session:
    hours = volunteer_hours(session, user_id=user.id)
    years = active_years(session, user_id=user.id, now=utcnow())
    gifts = my_gifts(session, user_id=user.id)

st.title(t("nav.certificates"))
st.caption(t("certificates.intro"))

with st.container(border=True):
    st.subheader(t("certificates.title.volunteer"))
    if hours.hours > 0:
        st.write(t("certificates.volunteer_so_far", hours=number(hours.hours, 1), events=number(hours.events)))
        certificate_download(partial(issue_volunteer, user_id=user.id), name="volunteer")
    else:
        st.info(t("certificates.no_hours"))

with st.container(border=True):
    st.subheader(t("certificates.title.carbon"))
    if years:
        year = st.selectbox(t("certificates.year"), years, key="certificate_year")
        with read_session() as session:
            stated = carbon_year(session, user_id=user.id, year=year)
        st.write(t("certificates.carbon_so_far", year=year, co2e=grams(stated.co2e_g), points=number(stated.points)))
        if stated.co2e_g > 0 or stated.points > 0:
            certificate_download(partial(issue_carbon, user_id=user.id, year=year), name=f"carbon-{year}")
    else:
        st.info(t("certificates.no_entries"))

st.subheader(t("certificates.title.gift"))
gift_list(gifts, user_id=user.id)
