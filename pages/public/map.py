"""Parks and health trails: filters, the map, and the same places as a list sorted by distance; residents'
environmental reports as their own layer, by status, with no personal data (points.problems.views)."""
import pandas as pd
import streamlit as st

from db.engine import read_session
from points.checkin.checkpoints import checkpoint_pins
from points.places.geo import sort_by_distance
from points.places.registry import DISTRICTS, KINDS, is_closed, list_places, matches, position
from points.problems.views import public_pins
from ui.i18n import current_language, t
from ui.map import TILES, configured_tiles, place_name, show_map, words

language, tiles = current_language(), configured_tiles()
say = words(language)
st.title(t("map.title"))
st.caption(t("map.intro"))
with read_session() as session:
    pins = checkpoint_pins(session)  # recycling stations and upcoming events, from the check-in side
    places = list_places(session) + pins
    reports = public_pins(session)

district_col, kind_col, search_col, origin_col = st.columns(4)
district = district_col.selectbox(t("map.filter_district"), [None, *DISTRICTS], key="map_district",
                                  format_func=lambda d: say(f"map.district.{d}") if d else say("map.all_districts"))
kinds = kind_col.multiselect(t("map.filter_kind"), KINDS, default=list(KINDS), key="map_kinds",
                             format_func=lambda kind: say(f"map.kind.{kind}"))
query = search_col.text_input(t("map.search"), key="map_search")
landmarks = {p.id: p for p in sorted(places, key=lambda p: place_name(p, language))
             if p.kind != "trail" and position(p)}
origin_id = origin_col.selectbox(t("map.origin"), [None, *landmarks], key="map_origin",
                                 format_func=lambda pid: say("map.origin_click") if pid is None
                                 else place_name(landmarks[pid], language))

shown = [p for p in places if matches(p, district=district, kinds=kinds, text=query)]
map_col, list_col = st.columns([3, 2])
with map_col:
    clicked = show_map(shown, language=language, tiles=tiles, reports=reports)
    st.caption(t("map.tiles_note", provider=TILES[tiles][1].replace("&copy; ", "")))
    if reports:
        st.caption(t("problems.map.count", n=len(reports)))
origin = position(landmarks[origin_id]) if origin_id else clicked

with list_col:
    st.subheader(t("map.list_title"))
    st.caption(t("map.count", shown=len(shown), total=len(places)))
    if not shown:
        st.info(t("map.no_results"))
    else:
        if origin is None:
            st.caption(t("map.click_hint"))
        ordered = (sort_by_distance(shown, origin, position) if origin
                   else [(p, None) for p in sorted(shown, key=lambda p: place_name(p, language))])
        rows = [{t("map.col_name"): place_name(p, language),
                 **({t("map.col_distance"): round(d / 1000, 2) if d is not None else None} if origin else {}),
                 t("map.col_kind"): t(f"map.kind.{p.kind}"),
                 t("map.col_district"): t(f"map.district.{p.district}") if p.district else "",
                 t("map.col_status"): (t("map.closed_short") if is_closed(p) else t("map.open"))
                 + ("" if p.pinned else " · " + t("map.unpinned")),
                 t("map.col_link"): f"/trail?id={p.id}" if p.kind == "trail" else None}
                for p, d in ordered]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
            t("map.col_link"): st.column_config.LinkColumn(display_text=t("map.trail_details"))})
