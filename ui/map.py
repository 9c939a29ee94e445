"""The city map: folium with Leaflet served by the portal, a layer per kind, every data text escaped.

Popups and tooltips end up inside JavaScript template literals (`...`) parsed as HTML by jQuery, so names
are escaped for HTML *and* for the template literal ($, backslash, backtick): names are data, never markup.

Names are never code either. branca wraps what each folium element renders in `Element(text)`, which
compiles that text *again* as a Jinja2 template, so `{{ 7*7 }}` in a place name would show 49 and `{% %}` would
run Python on the server. Every element of the map is therefore one of the classes below, which hand their
output to the page verbatim, and the map refuses to render any other (see `_check_no_retemplating`).
"""
import copy
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

import folium
import streamlit as st
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template
from streamlit_folium import st_folium

from db.config import get_settings
from db.models import Place
from points.common.clock import utcnow
from points.places.geo import gcj02_to_wgs84, wgs84_to_gcj02
from points.places.registry import KINDS, is_closed, position, trail_length_m
from points.problems.rules import STATUSES
from points.problems.views import ReportPin
from ui.i18n import catalogue
from ui.vendor_assets import LEAFLET_CSS, LEAFLET_JS, MARKERCLUSTER_CSS, MARKERCLUSTER_JS

CENTRE = (24.48, 118.11)
KIND_COLOURS = {"park": "#2e7d32", "community_park": "#7cb342", "wetland_beach": "#0288d1", "trail": "#e65100",
                "recycling_station": "#6d4c41", "event_venue": "#8e24aa", "landmark": "#546e7a"}
CLOSED_COLOUR = "#9e9e9e"
# Environmental reports by status; each at least 4.5:1 on white, as the legend writes them as text.
STATUS_COLOURS = {"new": "#c62828", "confirmed": "#b45309", "in_progress": "#1565c0", "fixed": "#2e7d32",
                  "not_a_problem": "#616161"}
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "&copy; OpenStreetMap contributors", "abc"),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "&copy; 高德地图 AutoNavi", "1234"),
    "tencent": ("https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&type=vector&styleid=0",
                "&copy; 腾讯地图 Tencent", "0123"),
}
GCJ_TILES = ("amap", "tencent")


class _Verbatim(Element):
    """Text already rendered from a template, written to the page as it is (branca's Element would compile it)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _NoRetemplate(MacroElement):
    """Mixin listed after a folium class: branca's MacroElement.render, with the macros' output kept verbatim.

    folium's own render methods end in super().render(), which the method order sends here."""

    def render(self, **kwargs):
        figure, macros = self.get_root(), self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Verbatim(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Popup(folium.Popup):
    """folium's Popup renders one whole template (no macros) and hands the result to Element: keep it verbatim."""

    def render(self, **kwargs):
        for child in self._children.values():
            child.render(**kwargs)
        self.get_root().script.add_child(_Verbatim(self._template.render(this=self, kwargs=kwargs)),
                                         name=self.get_name())


class _Tooltip(folium.Tooltip, _NoRetemplate):
    """A place's or checkpoint's name."""


class _Marker(folium.Marker, _NoRetemplate):
    """Coordinates and options only, but its popup and tooltip are rendered through it."""


class _DivIcon(folium.DivIcon, _NoRetemplate):
    """Its html is the pin's own markup; kept verbatim so a future label in it stays text."""


class _PolyLine(folium.PolyLine, _NoRetemplate):
    """A trail; class names carry the place id the browser tests look for."""


class _TileLayer(folium.TileLayer, _NoRetemplate):
    """Its attribution and (translated) name are in its script."""


class _FeatureGroup(folium.FeatureGroup, _NoRetemplate):
    """The trails' layer."""


class _LayerControl(folium.LayerControl, _NoRetemplate):
    """Layer names (translated kind labels) are in its script."""


class _FitBounds(folium.FitBounds, _NoRetemplate):
    """Numbers only; a small map zooms to its pins so none sits outside the view (clusters draw only what is in it)."""


class OfflineCluster(MarkerCluster, _NoRetemplate):
    default_js = MARKERCLUSTER_JS
    default_css = MARKERCLUSTER_CSS


def _check_no_retemplating(element: Element) -> None:
    """Refuse a map holding a plain folium element: its text, names included, would be compiled as a template.

    Only what build_map added is checked; folium adds a few text-free helpers of its own while rendering."""
    for child in element._children.values():
        if not isinstance(child, (_NoRetemplate, _Popup)):
            raise TypeError(f"{type(child).__name__} re-templates its text: use a ui/map.py element class")
        _check_no_retemplating(child)


class OfflineMap(folium.Map, _NoRetemplate):
    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS

    def render(self, **kwargs):
        """Render once: re-rendering rebuilds every popup's template (~0.1 s and more), the cached map needn't."""
        if not getattr(self, "_rendered_once", False):
            _check_no_retemplating(self)
            super().render(**kwargs)
            self._rendered_once = True


class _Notes(_NoRetemplate):
    """The legend, and a notice shown once if tiles fail to load (markers and the list still work)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "ge-legend");
                div.style.cssText = "background:#fff;padding:6px 8px;border-radius:4px;font:12px sans-serif";
                div.innerHTML = {{ this.legend|tojson }};
                return div;
            };
            legend.addTo(map);
            var notice = L.control({position: "topright"}), shown = false;
            notice.onAdd = function () {
                var div = L.DomUtil.create("div", "ge-tile-notice");
                div.style.cssText = "background:#fff8e1;padding:4px 8px;border-radius:4px;font:12px sans-serif";
                div.textContent = {{ this.tile_notice|tojson }};
                return div;
            };
            map.eachLayer(function (layer) {
                if (layer instanceof L.TileLayer) {
                    layer.on("tileerror", function () { if (!shown) { shown = true; notice.addTo(map); } });
                }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, legend: str, tile_notice: str):
        super().__init__()
        self.legend, self.tile_notice = legend, tile_notice


class _LocateControl(_NoRetemplate):
    """A "my position" button, where the browser allows geolocation (HTTPS or localhost): the position the
    resident agrees to share becomes a click on the map, the same path as pinning the spot by hand. Nothing is
    sent anywhere else; without a secure context or with permission refused, clicking the map still works."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            if (!window.isSecureContext || !navigator.geolocation) { return; }
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var button = L.DomUtil.create("button", "ge-locate");
                button.type = "button";
                button.textContent = {{ this.label|tojson }};
                button.style.cssText = "background:#fff;color:#1b1b1b;padding:6px 10px;border:2px solid #555;"
                    + "border-radius:4px;font:14px sans-serif;min-height:44px;cursor:pointer";
                L.DomEvent.disableClickPropagation(button);
                L.DomEvent.on(button, "click", function () {
                    navigator.geolocation.getCurrentPosition(function (found) {
                        var spot = L.latLng(found.coords.latitude, found.coords.longitude);
                        map.setView(spot, Math.max(map.getZoom(), 17));
                        map.fire("click", {latlng: spot});
                    }, function () { button.textContent = {{ this.failed|tojson }}; },
                    {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
                });
                return button;
            };
            control.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, label: str, failed: str):
        super().__init__()
        self.label, self.failed = label, failed


def esc(text) -> str:
    """HTML-escape, and neutralise what a JavaScript template literal would interpret."""
    return html.escape(str(text), quote=True).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def words(language: str):
    """A translator bound to one language: format_func callbacks may run outside the script's run."""
    messages, english = catalogue(language), catalogue("en")
    return lambda key, **params: (messages.get(key) or english.get(key, key)).format(**params)


def place_name(place: Place, language: str) -> str:
    return place.name_en if language == "en" else place.name_zh


def popup_html(place: Place, language: str, now: datetime | None = None) -> str:
    """Name, kind, district, facilities, open or closed: every piece escaped."""
    say = words(language)
    lines = [f"<b>{esc(place_name(place, language))}</b>", esc(say(f"map.kind.{place.kind}"))]
    if place.district:
        lines.append(esc(say(f"map.district.{place.district}")))
    if place.kind == "trail":
        lines.append(esc(say("map.trail_length", km=f"{trail_length_m(place) / 1000:.1f}")))
        official = place.properties.get("official_length_km")
        if official:
            lines.append(esc(say("map.trail_official", km=official)))
    facilities = place.properties.get("facilities") or {}
    known = [say(f"map.facility.{name}") for name, present in facilities.items() if present]
    if known:
        lines.append(esc(say("map.facilities", names=", ".join(known))))
    if is_closed(place, now=now):
        lines.append(f'<span style="color:#c62828">{esc(say("map.closed", reason=place.closed_reason))}</span>')
    else:
        lines.append(esc(say("map.open")))
    if place.confidence in ("low", "very low"):
        lines.append(f"<i>{esc(say('map.approximate'))}</i>")
    if place.kind == "trail":
        lines.append(f'<a href="/trail?id={esc(place.id)}" target="_top">{esc(say("map.trail_details"))}</a>')
    return "<br>".join(lines)


def report_popup_html(pin: ReportPin, language: str) -> str:
    """Kind, status, day and how many residents reported it: nothing that names or quotes a resident."""
    say = words(language)
    return "<br>".join([f"<b>{esc(say(f'problems.kind.{pin.kind}'))}</b>",
                        f'<span style="color:{STATUS_COLOURS[pin.status]}">'
                        f"{esc(say(f'problems.status.{pin.status}'))}</span>",
                        esc(say("problems.map.reported_on", day=pin.reported_on)),
                        esc(say("problems.map.residents", n=pin.residents))])


def _report_icon(colour: str, class_name: str) -> _DivIcon:
    """A square (places are round), so a report reads as a report in any colour."""
    return _DivIcon(html=f'<div style="width:16px;height:16px;border-radius:3px;background:{colour};'
                         'border:2px solid #fff;box-shadow:0 0 2px #000"></div>',
                    icon_size=(16, 16), icon_anchor=(8, 8), class_name=class_name)


def _reports_layer(reports: Sequence[ReportPin], language: str, tiles: str) -> _FeatureGroup:
    layer = _FeatureGroup(name=esc(words(language)("problems.map.layer")))
    for pin in reports:
        icon = _report_icon(STATUS_COLOURS[pin.status], f"ge-report ge-report-{pin.status} ge-report-{pin.report_id}")
        tooltip = _Tooltip(esc(words(language)(f"problems.kind.{pin.kind}")))
        _Marker(_display(pin.lat, pin.lon, tiles), icon=icon, popup=_Popup(report_popup_html(pin, language),
                max_width=240), tooltip=tooltip).add_to(layer)
    return layer


def _chosen_layer(spot: tuple[float, float], tiles: str) -> _FeatureGroup:
    """The spot the resident pinned, added to the shown map without redrawing it (st_folium feature_group_to_add)."""
    layer = _FeatureGroup(name="chosen", control=False)
    _Marker(_display(*spot, tiles), icon=_DivIcon(
        html='<div style="width:22px;height:22px;border-radius:11px;background:#fff;border:6px solid #1565c0;'
             'box-shadow:0 0 3px #000"></div>', icon_size=(22, 22), icon_anchor=(11, 11),
        class_name="ge-chosen")).add_to(layer)
    return layer


def _display(lat: float, lon: float, tiles: str) -> list[float]:
    return list(wgs84_to_gcj02(lat, lon)) if tiles in GCJ_TILES else [lat, lon]


def _legend(language: str, kinds: tuple[str, ...] = KINDS, reports: bool = False) -> str:
    say = words(language)
    rows = [f'<span style="color:{KIND_COLOURS[kind]}">{"&#9473;" if kind == "trail" else "&#9679;"}</span> '
            f"{esc(say(f'map.kind.{kind}'))}" for kind in kinds]
    rows.append(f'<span style="color:{CLOSED_COLOUR}">&#9679;</span> {esc(say("map.closed_short"))}')
    if reports:
        rows += [f'<span style="color:{STATUS_COLOURS[status]}">&#9632;</span> '
                 f"{esc(say('problems.map.legend', status=say(f'problems.status.{status}')))}" for status in STATUSES]
    return "<br>".join(rows)


def build_map(places: list[Place], *, language: str, tiles: str = "osm", now: datetime | None = None,
              compact: bool = False, reports: Sequence[ReportPin] = (), locate: bool = False) -> folium.Map:
    """One folium map of the given places: a clustered layer per kind, trails as dashed schematic lines.
    `compact` (a small map on a phone) zooms to the pins, folds the layer list and keeps the legend to the kinds
    shown, so neither covers them. `reports` adds the environmental reports' layer, coloured by status; `locate`
    a "my position" button (WGS-84 tiles only: the position would need shifting onto GCJ-02 tiles)."""
    say = words(language)
    url, attribution, subdomains = TILES.get(tiles, TILES["osm"])
    fmap = OfflineMap(location=_display(*CENTRE, tiles), zoom_start=12, tiles=None, control_scale=True)
    _TileLayer(url, attr=attribution, subdomains=subdomains, name=say("map.tiles"), max_zoom=18,
               control=False).add_to(fmap)
    layers = {}
    for kind in KINDS:
        label = say(f"map.kind.{kind}")
        layers[kind] = (_FeatureGroup(name=esc(label)) if kind == "trail"
                        else OfflineCluster(name=esc(label), options={"disableClusteringAtZoom": 15}))
    for place in places:
        if not place.pinned or place.kind not in layers:
            continue
        closed = is_closed(place, now=now)
        colour = CLOSED_COLOUR if closed else KIND_COLOURS[place.kind]
        popup = _Popup(popup_html(place, language, now), max_width=280)
        tooltip = _Tooltip(esc(place_name(place, language)))
        if place.kind == "trail":
            line = [_display(lat, lon, tiles) for lon, lat, *_ in place.geometry["coordinates"]]
            _PolyLine(line, color=colour, weight=4, dash_array="8 8", popup=popup, tooltip=tooltip,
                      class_name=f"ge-trail ge-place-{place.id}").add_to(layers["trail"])
        else:
            lon, lat = place.geometry["coordinates"][:2]
            icon = _DivIcon(html=f'<div style="width:14px;height:14px;border-radius:7px;background:{colour};'
                                 'border:2px solid #fff;box-shadow:0 0 2px #000"></div>',
                            icon_size=(14, 14), icon_anchor=(7, 7), class_name=f"ge-pin ge-place-{place.id}")
            _Marker(_display(lat, lon, tiles), icon=icon, popup=popup, tooltip=tooltip).add_to(layers[place.kind])
    for layer in layers.values():
        layer.add_to(fmap)
    if reports:
        _reports_layer(reports, language, tiles).add_to(fmap)
    if locate and tiles not in GCJ_TILES:
        _LocateControl(say("problems.map.locate"), say("problems.map.locate_failed")).add_to(fmap)
    pins = [_display(*spot, tiles) for spot in map(position, places) if spot]
    if compact and pins:
        _FitBounds(pins, padding=(40, 40), max_zoom=14).add_to(fmap)
    _LayerControl(collapsed=compact).add_to(fmap)
    shown = tuple(kind for kind in KINDS if any(place.kind == kind for place in places)) if compact else KINDS
    _Notes(_legend(language, shown, reports=bool(reports)), say("map.tiles_failed")).add_to(fmap)
    return fmap


def configured_tiles() -> str:
    tiles = get_settings().tiles
    return tiles if tiles in TILES else "osm"


@st.cache_resource(max_entries=32, show_spinner=False)
def _cached_map(key: tuple, language: str, tiles: str, compact: bool, locate: bool, _places: list[Place],
                _now: datetime, _reports: Sequence[ReportPin]) -> folium.Map:
    """Built and rendered once per shown content, closure state, language, tile provider and size."""
    fmap = build_map(_places, language=language, tiles=tiles, now=_now, compact=compact, reports=_reports,
                     locate=locate)
    fmap.get_root().render()
    return fmap


def content_key(places: list[Place]) -> str:
    """A digest of the places' content (not when they were saved, which the map doesn't draw), so any edit
    (a renamed place, a moved event pin) draws a new map; a version kept by the caller could miss one."""
    content = json.dumps([place.model_dump(mode="json", exclude={"updated_at"}) for place in places], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()


def show_map(places: list[Place], *, language: str, tiles: str, now: datetime | None = None,
             height: int = 540, compact: bool = False, reports: Sequence[ReportPin] = (), locate: bool = False,
             chosen: tuple[float, float] | None = None) -> tuple[float, float] | None:
    """Draw the (cached) map; return the last clicked point in WGS-84, if any. `chosen` marks a pinned spot
    on the map already shown, without redrawing it."""
    now = now or utcnow()
    reports_key = hashlib.sha256(json.dumps([asdict(pin) for pin in reports]).encode()).hexdigest()
    key = (content_key(places), tuple(p.id for p in places if is_closed(p, now=now)), reports_key)
    # st_folium renames the elements of the map it is given: hand it a copy, keep the cached one intact
    fmap = copy.deepcopy(_cached_map(key, language, tiles, compact, locate, places, now, reports))
    state = st_folium(fmap, key="city_map", height=height, use_container_width=True, render=False,
                      returned_objects=["last_clicked"],
                      feature_group_to_add=_chosen_layer(chosen, tiles) if chosen else None)
    click = (state or {}).get("last_clicked")
    if not click:
        return None
    return gcj02_to_wgs84(click["lat"], click["lng"]) if tiles in GCJ_TILES else (click["lat"], click["lng"])
