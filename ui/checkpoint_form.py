"""The organiser's checkpoint form (create and edit): fields in, a dict of checkpoint values out."""
from datetime import datetime, time, timedelta

import streamlit as st

from db.config import get_settings
from db.models import Checkpoint
from points.checkin.checkpoints import KINDS, MAX_HEADCOUNT, MAX_POINTS_PER_HOUR
from points.common.clock import city_zone, local_day, utcnow
from ui.i18n import current_language, localized, t
from ui.map import configured_tiles, show_map


def _local(value: datetime | None, default: datetime) -> datetime:
    return (value or default).astimezone(city_zone())


def _moment_input(label: str, value: datetime, key: str) -> datetime:
    left, right = st.columns(2)
    day = left.date_input(t(f"checkin.form.{label}_day"), value=value.date(), key=f"{key}_{label}_day")
    clock = right.time_input(t(f"checkin.form.{label}_time"), value=value.time(), key=f"{key}_{label}_time",
                             step=timedelta(minutes=15))
    return datetime.combine(day, clock, tzinfo=city_zone())


def _optional_count(label: str, value: int | None, key: str) -> int | None:
    """0 in the form means no limit."""
    number = st.number_input(t(f"checkin.form.{label}"), min_value=0, max_value=MAX_HEADCOUNT, value=value or 0,
                             step=1, key=f"{key}_{label}", help=t("checkin.form.zero_means_none"))
    return int(number) or None


def point_from_map(places: list, key: str, current: Checkpoint | None) -> None:
    """A click on the city map fills the form's latitude and longitude (WGS-84, whatever the tiles)."""
    st.session_state.setdefault(f"{key}_lat", current.lat if current and current.lat else 0.0)
    st.session_state.setdefault(f"{key}_lon", current.lon if current and current.lon else 0.0)
    st.caption(t("checkin.form.map_help"))
    click = show_map(places, language=current_language(), tiles=configured_tiles())
    if click and click != st.session_state.get(f"{key}_clicked"):
        st.session_state[f"{key}_clicked"] = click
        st.session_state[f"{key}_lat"], st.session_state[f"{key}_lon"] = round(click[0], 5), round(click[1], 5)


def checkpoint_form(places: list, current: Checkpoint | None = None) -> dict | None:
    """Draw the form; on submit return the values (kind only when creating), else None."""
    key = f"cp{current.id if current else 'new'}"
    point_from_map(places, key, current)
    tomorrow = datetime.combine(local_day(utcnow()) + timedelta(days=1), time(9), tzinfo=city_zone())
    names = {"": t("checkin.form.no_place")} | {place.id: localized(place) for place in places}
    with st.form(key):
        values = {}
        if current is None:
            kinds = {kind: t(f"checkin.kind.{kind}") for kind in KINDS}
            values["kind"] = st.selectbox(t("checkin.form.kind"), KINDS, format_func=kinds.get)
        values["title_zh"] = st.text_input(t("checkin.form.title_zh"), value=current.title_zh if current else "")
        values["title_en"] = st.text_input(t("checkin.form.title_en"), value=current.title_en if current else "")
        values["description_zh"] = st.text_area(t("checkin.form.description_zh"),
                                                value=current.description_zh if current else "")
        values["description_en"] = st.text_area(t("checkin.form.description_en"),
                                                value=current.description_en if current else "")
        options = list(names)
        chosen = current.place_id if current and current.place_id in names else ""
        values["place_id"] = st.selectbox(t("checkin.form.place"), options, index=options.index(chosen),
                                          format_func=names.get) or None
        st.caption(t("checkin.form.point_help"))
        left, right = st.columns(2)
        lat = left.number_input(t("checkin.form.lat"), format="%.5f", key=f"{key}_lat")
        lon = right.number_input(t("checkin.form.lon"), format="%.5f", key=f"{key}_lon")
        values["lat"], values["lon"] = (lat, lon) if lat or lon else (None, None)
        if values["place_id"] and values["place_id"] != (current.place_id if current else None):
            values["lat"] = values["lon"] = None  # a newly chosen place brings its own coordinates
        values["starts_at"] = _moment_input("start", _local(current and current.starts_at, tomorrow), key)
        values["ends_at"] = _moment_input("end", _local(current and current.ends_at, tomorrow + timedelta(hours=3)),
                                          key)
        values["capacity"] = _optional_count("capacity", current and current.capacity, key)
        values["expected_attendance"] = _optional_count("expected", current and current.expected_attendance, key)
        values["points_per_hour"] = int(st.number_input(
            t("checkin.form.points_per_hour"), min_value=0, max_value=MAX_POINTS_PER_HOUR, step=10, key=f"{key}_pph",
            value=(current.points_per_hour if current and current.points_per_hour is not None
                   else get_settings().volunteer_points_per_hour)))
        values["rotating"] = st.checkbox(t("checkin.form.rotating"), value=bool(current and current.rotating))
        submitted = st.form_submit_button(t("checkin.form.save"), type="primary")
    return values if submitted else None
