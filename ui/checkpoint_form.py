"""The organiser's checkpoint form (create and edit): fields in, one save, a refusal shown under its field.

Issue 14: the untouched form used to be refused (no titles, no point) and the refusal showed at the foot of a
2,400 px page. A new checkpoint now starts valid (a dated title in both languages, the first place on the list,
tomorrow 09:00-12:00) and a refusal is written into a slot right under the field it is about.
"""
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import streamlit as st
from babel.dates import format_skeleton
from sqlmodel import Session

from db.config import get_settings
from db.engine import write_session
from db.models import Checkpoint
from points.checkin.checkpoints import KINDS, MAX_HEADCOUNT, MAX_POINTS_PER_HOUR
from points.common.clock import city_zone, local_day, utcnow
from points.common.errors import DomainError
from points.common.metrics import REFUSALS
from points.places.registry import position
from ui.district_choice import community_select
from ui.i18n import BABEL_LOCALES, LANGUAGES, catalogue, current_language, error_text, localized, t
from ui.map import configured_tiles, show_map

# Which field a refusal of points.checkin.checkpoints is about; any other refusal shows under the save button.
FIELD_OF_ERROR = {"checkpoint_kind_invalid": "kind", "checkpoint_title_invalid": "title",
                  "checkpoint_description_invalid": "description", "checkpoint_place_unknown": "place",
                  "checkpoint_location_invalid": "point", "checkpoint_starts_too_far": "start",
                  "checkpoint_window_invalid": "end", "checkpoint_event_too_long": "end",
                  "checkpoint_site_too_long": "end", "checkpoint_number_invalid": "numbers",
                  "community_unknown": "place"}


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


def default_titles(day: date) -> dict[str, str]:
    """Dated titles in both languages (绿色行动 · 6月7日, Green action, 7 Jun): both are required, a draft is
    easily renamed."""
    return {f"title_{language}": catalogue(language)["events_ui.default_title"].format(
        day=format_skeleton("MMMd", day, locale=BABEL_LOCALES[language])) for language in LANGUAGES}


def default_place(places: list) -> str:
    """The first place with a point, so that the form's defaults locate the checkpoint; "" when there is none."""
    return next((place.id for place in places if position(place) is not None), "")


def _point(lat: float, lon: float, initial: tuple[float, float], *, place_id: str | None,
           initial_place: str | None) -> tuple[float | None, float | None]:
    """A point typed or clicked wins; else a newly chosen place brings its own coordinates (None, None); 0 is none."""
    if (lat, lon) == initial and place_id and place_id != initial_place:
        return None, None
    return (lat, lon) if lat or lon else (None, None)


def _save(save: Callable[[Session, dict], object], values: dict, slots: dict) -> bool:
    """One transaction; a refusal is shown in the slot under its field (see FIELD_OF_ERROR), nothing written."""
    try:
        with write_session() as session:
            save(session, values)
    except DomainError as error:
        REFUSALS.labels(code=error.code).inc()
        slots[FIELD_OF_ERROR.get(error.code, "save")].error(error_text(error))
        return False
    return True


def checkpoint_form(places: list, current: Checkpoint | None, *, save: Callable[[Session, dict], object]) -> bool:
    """Draw the form; on submit call `save(session, values)` (kind only when creating); True once saved."""
    key = f"cp{current.id if current else 'new'}"
    point_from_map(places, key, current)
    tomorrow = datetime.combine(local_day(utcnow()) + timedelta(days=1), time(9), tzinfo=city_zone())
    titles = {"title_zh": current.title_zh, "title_en": current.title_en} if current else default_titles(
        tomorrow.date())
    names = {"": t("checkin.form.no_place")} | {place.id: localized(place) for place in places}
    initial_place = current.place_id if current else None
    with st.form(key):
        values, slots = {}, {}
        if current is None:
            kinds = {kind: t(f"checkin.kind.{kind}") for kind in KINDS}
            values["kind"] = st.selectbox(t("checkin.form.kind"), KINDS, format_func=kinds.get)
            slots["kind"] = st.empty()
        values["title_zh"] = st.text_input(t("checkin.form.title_zh"), value=titles["title_zh"])
        values["title_en"] = st.text_input(t("checkin.form.title_en"), value=titles["title_en"])
        slots["title"] = st.empty()
        values["description_zh"] = st.text_area(t("checkin.form.description_zh"),
                                                value=current.description_zh if current else "")
        values["description_en"] = st.text_area(t("checkin.form.description_en"),
                                                value=current.description_en if current else "")
        slots["description"] = st.empty()
        options = list(names)
        chosen = initial_place if initial_place in names else ("" if current else default_place(places))
        values["place_id"] = st.selectbox(t("checkin.form.place"), options, index=options.index(chosen),
                                          format_func=names.get) or None
        values["community"] = community_select(key=f"{key}_community", current=current and current.community)
        slots["place"] = st.empty()
        st.caption(t("checkin.form.point_help"))
        left, right = st.columns(2)
        lat = left.number_input(t("checkin.form.lat"), format="%.5f", key=f"{key}_lat")
        lon = right.number_input(t("checkin.form.lon"), format="%.5f", key=f"{key}_lon")
        initial = (current.lat or 0.0, current.lon or 0.0) if current else (0.0, 0.0)
        values["lat"], values["lon"] = _point(lat, lon, initial, place_id=values["place_id"],
                                              initial_place=initial_place)
        slots["point"] = st.empty()
        values["starts_at"] = _moment_input("start", _local(current and current.starts_at, tomorrow), key)
        slots["start"] = st.empty()
        values["ends_at"] = _moment_input("end", _local(current and current.ends_at, tomorrow + timedelta(hours=3)),
                                          key)
        slots["end"] = st.empty()
        values["capacity"] = _optional_count("capacity", current and current.capacity, key)
        values["expected_attendance"] = _optional_count("expected", current and current.expected_attendance, key)
        values["points_per_hour"] = int(st.number_input(
            t("checkin.form.points_per_hour"), min_value=0, max_value=MAX_POINTS_PER_HOUR, step=10, key=f"{key}_pph",
            value=(current.points_per_hour if current and current.points_per_hour is not None
                   else get_settings().volunteer_points_per_hour)))
        slots["numbers"] = st.empty()
        values["rotating"] = st.checkbox(t("checkin.form.rotating"), value=bool(current and current.rotating))
        submitted = st.form_submit_button(t("checkin.form.save"), type="primary")
        slots["save"] = st.empty()
        return submitted and _save(save, values, slots)
