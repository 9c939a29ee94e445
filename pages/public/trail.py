"""One health trail: its segments between named nodes, length, facilities, closures, and walking it."""
import streamlit as st

from db.engine import read_session
from points.common.errors import DomainError
from points.places.registry import get_place, is_closed, trail_length_m, trail_segments, trailheads
from ui import auth
from ui.format import moment
from ui.i18n import current_language, localized, t
from ui.map import place_name
from ui.nav import SIGNED_OUT, page_link

language = current_language()
user = auth.current_user()
role = user.role if user else SIGNED_OUT
try:
    with read_session() as session:
        trail = get_place(session, place_id=st.query_params.get("id", ""))
        heads = trailheads(session, place=trail) if trail.kind == "trail" else []
except DomainError:
    trail = None
if trail is None or trail.kind != "trail":
    st.warning(t("map.trail.unknown"))
    page_link("map", role, label=t("map.trail.back"))
    st.stop()

st.title(place_name(trail, language))
drawn_km = trail_length_m(trail) / 1000
st.caption(t("map.trail.schematic", drawn=f"{drawn_km:.1f}"))
if trail.properties.get("official_length_km"):
    st.write(t("map.trail.official", km=trail.properties["official_length_km"]))
if trail.properties.get("status"):
    st.caption(t("map.trail.status", status=trail.properties["status"]))
if is_closed(trail):
    st.error(t("map.trail.closure", reason=trail.closed_reason, start=moment(trail.closed_from),
               end=moment(trail.closed_until) if trail.closed_until else t("map.trail.closure_open_end")))
else:
    st.success(t("map.trail.open"))

st.subheader(t("map.trail.facilities"))
present = [t(f"map.facility.{name}") for name, there in trail.properties.get("facilities", {}).items() if there]
st.write(", ".join(present) if present else t("map.trail.facilities_unknown"))

st.subheader(t("map.trail.segments"))
segments = trail_segments(trail)
estimated = {n["name"] for n in trail.properties.get("nodes", []) if n.get("estimated")}


def node_label(name: str, estimated_note: str = t("map.trail.estimated")) -> str:
    return f"{name} {estimated_note}" if name in estimated else name


st.dataframe([{t("map.trail.col_from"): node_label(s["from"]), t("map.trail.col_to"): node_label(s["to"]),
               t("map.trail.col_km"): round(s["length_m"] / 1000, 2)} for s in segments], hide_index=True)

st.subheader(t("map.trail.walk"))
nodes = [segments[0]["from"], *(s["to"] for s in segments)]
start_col, end_col = st.columns(2)
start = start_col.selectbox(t("map.trail.walk_from"), range(len(nodes)), index=0, key="walk_from",
                            format_func=lambda i: node_label(nodes[i]))
end = end_col.selectbox(t("map.trail.walk_to"), range(len(nodes)), index=len(nodes) - 1, key="walk_to",
                        format_func=lambda i: node_label(nodes[i]))
walk_km = round(sum(s["length_m"] for s in segments[min(start, end):max(start, end)]) / 1000, 2)
st.write(t("map.trail.walk_distance", km=f"{walk_km:.2f}"))
if user is None:
    st.caption(t("map.trail.sign_in_to_log"))
else:
    page_link("log", role, label=t("map.trail.log_walk", km=f"{walk_km:.2f}"),
              query_params={"action": "trail_walk", "quantity": f"{walk_km:.2f}",
                            "note": f"{trail.name_zh}: {nodes[min(start, end)]} → {nodes[max(start, end)]}"})

st.subheader(t("map.trail.trailheads"))
if heads:
    st.caption(t("map.trail.trailhead_hint"))
    for head in heads:
        st.text("• " + localized(head, "title", language))
else:
    st.caption(t("map.trail.no_trailheads"))
page_link("map", role, label=t("map.trail.back"))
