"""Admins add and edit places, close them with a reason and dates, and import or export GeoJSON."""
import streamlit as st

from db.engine import read_session
from points.common.clock import local_day, local_day_bounds, utcnow
from points.places.registry import (
    DISTRICTS,
    FACILITIES,
    KINDS,
    export_places,
    import_places,
    list_places,
    prepare_import,
    save_place,
    set_closure,
)
from ui import auth
from ui.attempt import attempt, attempt_step
from ui.downloads import download_on_click
from ui.i18n import current_language, t
from ui.map import CENTRE, place_name, words

user = auth.current_user()
language = current_language()
say = words(language)
st.title(t("map.admin.title"))
with read_session() as session:
    places = {p.id: p for p in list_places(session)}


def write_and_say(write, success: str) -> None:
    """Run one write; on success show the message filled in with what the write returned."""
    done = attempt(write)
    if done.ok:
        st.success(t(success, **done.value))


choice = st.selectbox(t("map.admin.pick"), [None, *places], key="place_pick",
                      format_func=lambda pid: say("map.admin.new") if pid is None
                      else f"{place_name(places[pid], language)} ({pid})")
current = places.get(choice)
point = current.geometry["coordinates"] if current and current.kind != "trail" else [CENTRE[1], CENTRE[0]]
with st.form("place_form"):
    place_id = current.id if current else st.text_input(t("map.admin.id"))
    kind = st.selectbox(t("map.admin.kind"), KINDS, index=KINDS.index(current.kind) if current else 0,
                        format_func=lambda k: say(f"map.kind.{k}"))
    name_zh = st.text_input(t("map.admin.name_zh"), value=current.name_zh if current else "")
    name_en = st.text_input(t("map.admin.name_en"), value=current.name_en if current else "")
    districts = [None, *DISTRICTS]
    district = st.selectbox(t("map.admin.district"), districts,
                            index=districts.index(current.district) if current else 0,
                            format_func=lambda d: say(f"map.district.{d}") if d else say("map.admin.no_district"))
    if current and current.kind == "trail":
        st.caption(t("map.admin.trail_line_kept"))
    lat = st.number_input(t("map.admin.lat"), value=float(point[1]), format="%.6f")
    lon = st.number_input(t("map.admin.lon"), value=float(point[0]), format="%.6f")
    known = current.properties.get("facilities", {}) if current else {}
    facilities = {name: st.checkbox(t(f"map.facility.{name}"), value=bool(known.get(name))) for name in FACILITIES}
    pinned = st.checkbox(t("map.admin.pinned"), value=current.pinned if current else True)
    if st.form_submit_button(t("map.admin.save")):
        write_and_say(lambda s: {"id": save_place(s, actor_id=user.id, place_id=place_id, kind=kind, name_zh=name_zh,
                                            name_en=name_en, district=district, lat=lat, lon=lon,
                                            facilities=facilities, pinned=pinned).id}, "map.admin.saved")

if current:
    st.subheader(t("map.admin.closure"))
    with st.form("closure_form"):
        reason = st.text_input(t("map.admin.closure_reason"), value=current.closed_reason or "")
        today = local_day(utcnow())
        start = st.date_input(t("map.admin.closure_from"),
                              value=local_day(current.closed_from) if current.closed_from else today)
        open_end = st.checkbox(t("map.admin.closure_open_end"), value=current.closed_until is None)
        end = st.date_input(t("map.admin.closure_until"), value=today)
        if st.form_submit_button(t("map.admin.closure_save")):
            write_and_say(lambda s: {"id": set_closure(
                s, actor_id=user.id, place_id=current.id, reason=reason, closed_from=local_day_bounds(start)[0],
                closed_until=None if open_end else local_day_bounds(end)[1]).id},
                "map.admin.closure_saved" if reason.strip() else "map.admin.reopened")

st.subheader(t("map.admin.import"))
upload = st.file_uploader(t("map.admin.import"), type=["geojson", "json"], help=t("map.admin.import_help"),
                          label_visibility="collapsed")
if upload is not None and st.button(t("map.admin.import_button"), key="place_import"):
    prepared = attempt_step(lambda: prepare_import(upload.getvalue()))  # parsed and validated before the write
    if prepared.ok:
        write_and_say(lambda s: import_places(s, actor_id=user.id, upload=prepared.value), "map.admin.imported")
download_on_click(t("map.admin.export"), export_places, file_name="places.geojson", mime="application/geo+json")
