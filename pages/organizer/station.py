"""Recycling station: the attendant scans a resident's personal code, weighs the material and credits it."""
import streamlit as st

from db.engine import read_session
from points.checkin import checkpoints
from points.checkin.personal_code import MATERIALS, MAX_KG, credit_at_station
from ui import auth
from ui.attempt import attempt
from ui.format import grams, number
from ui.i18n import t
from ui.qr import camera_codes, title_of

user = auth.current_user()
st.title(t("nav.station"))
with read_session() as session:
    stations = checkpoints.list_upcoming(session, kinds=("station",))
station_labels = {None: t("checkin.station.none")} | {station.id: title_of(station) for station in stations}
station_id = st.selectbox(t("checkin.station.which"), list(station_labels), format_func=station_labels.get)

found = camera_codes(st.camera_input(t("checkin.station.camera")))  # decoded here, before any write
with st.form("station_credit", clear_on_submit=True):
    code = st.text_input(t("checkin.station.code"), value=found[0] if found else "", type="password")
    materials = {material: t(f"checkin.material.{material}") for material in MATERIALS}
    material = st.selectbox(t("checkin.station.material"), MATERIALS, format_func=materials.get)
    kg = st.number_input(t("checkin.station.kg"), min_value=0.0, max_value=MAX_KG, step=0.1, format="%.2f")
    submitted = st.form_submit_button(t("checkin.station.credit"), type="primary")
if submitted:
    credited = attempt(lambda session: credit_at_station(session, attendant_id=user.id, code=code,
                                                         material=material, kg=kg, station_id=station_id))
    if credited.ok:
        result = credited.value
        st.success(t("checkin.station.credited", points=number(result.points), co2e=grams(result.co2e_g)))
        if result.over_cap_quantity:
            st.warning(t("checkin.station.over_cap", over=number(result.over_cap_quantity, 2)))
