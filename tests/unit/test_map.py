"""The built map: every pinned place and trail in it, nothing from a CDN, data text escaped, GCJ-02 on request."""
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db.models import Place
from points.places.geo import wgs84_to_gcj02
from points.places.registry import ASSET, parse_places
from ui.map import build_map, esc
from ui.vendor_assets import _PACKAGES, PREFIX

NOW = datetime(2025, 5, 1, tzinfo=UTC)
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "`-alert(1)-`",
    "${alert(document.cookie)}",
    "\\`;alert(1);//",
    "</div><iframe src=javascript:alert(1)>",
    "' onmouseover='alert(1)",
    "&lt;script&gt;already-escaped",
    "<a href=\"javascript:alert(1)\">x</a>",
]


def _city() -> list[Place]:
    return [Place(**fields) for fields in parse_places(ASSET.read_bytes())]


def _html(places, **options) -> str:
    return build_map(places, language=options.pop("language", "en"), now=NOW, **options).get_root().render()


@pytest.fixture(scope="module")
def city_html() -> str:
    return _html(_city())


def test_every_pinned_place_and_every_trail_is_on_the_map_and_placeholders_are_not(city_html):
    places = _city()
    for place in places:
        marker = f"ge-place-{place.id}" in city_html
        assert marker == place.pinned, place.id
        if place.pinned:
            assert esc(place.name_en) in city_html, place.id
    assert city_html.count('"dashArray": "8 8"') == 6
    assert len([p for p in places if p.pinned]) == 45


def test_names_follow_the_language():
    html = _html(_city(), language="zh")
    assert "五缘湾湿地公园" in html and "Wuyuan Bay Wetland Park" not in html


def test_layers_legend_and_clustering_are_built(city_html):
    for label in ("Comprehensive parks", "Community and pocket parks", "Wetlands and beaches", "Health trails",
                  "Recycling stations", "Event venues"):
        assert label in city_html
    assert "L.control.layers" in city_html and "L.markerClusterGroup" in city_html
    assert "ge-legend" in city_html and "tileerror" in city_html


def test_no_script_or_stylesheet_comes_from_outside_and_each_served_file_exists(city_html):
    urls = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', city_html)
    assert urls and all(url.startswith(PREFIX + "/") for url in urls)
    for url in urls:
        package, relative = url[len(PREFIX) + 1:].split("/", 1)
        assert (Path(_PACKAGES[package].BASE_DIR) / relative).is_file(), url
    assert "cdn" not in city_html.lower()


@pytest.mark.parametrize("payload", XSS)
def test_names_and_closure_reasons_come_out_escaped(payload):
    place = Place(id="evil", kind="park", name_zh=payload, name_en=payload, district="思明",
                  geometry={"type": "Point", "coordinates": [118.1, 24.5]}, properties={}, pinned=True,
                  closed_reason=payload, closed_from=NOW - timedelta(days=1))
    trail = Place(id="evil_trail", kind="trail", name_zh=payload, name_en=payload, district="思明",
                  geometry={"type": "LineString", "coordinates": [[118.1, 24.5], [118.2, 24.5]]}, properties={},
                  pinned=True)
    html = _html([place, trail])
    assert payload not in html
    assert esc(payload) in html
    for dangerous in ("<script>alert", "<img", "<svg", "<iframe", "${alert", "`-alert", '<a href="javascript',
                      "' onmouseover"):
        assert dangerous not in html


def test_chinese_tiles_shift_every_point_to_gcj02_and_osm_keeps_wgs84():
    zhongshan = next(p for p in _city() if p.id == "zhongshan_park")
    lat, lon = wgs84_to_gcj02(24.46163, 118.0848)
    amap = _html([zhongshan], tiles="amap")
    assert f"[{lat}, {lon}]" in amap and "autonavi.com" in amap
    osm = _html([zhongshan])
    assert "[24.46163, 118.0848]" in osm and "tile.openstreetmap.org" in osm


def test_a_closed_place_says_so_with_its_reason():
    park = next(p for p in _city() if p.id == "hongshan_park")
    park.closed_reason, park.closed_from = "Path repairs", NOW - timedelta(hours=1)
    assert "Closed: Path repairs" in _html([park])
    park.closed_until = NOW - timedelta(minutes=1)
    html = _html([park])
    assert "Closed: Path repairs" not in html and "Open" in html


def test_the_cached_map_gives_the_component_the_same_working_script_on_every_run(monkeypatch):
    import streamlit_folium

    from ui.map import show_map

    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    for _ in range(3):
        show_map(_city(), language="en", tiles="osm", now=NOW)
    scripts = [call["script"] for call in sent]
    assert scripts[0] == scripts[1] == scripts[2]
    defined = set(re.findall(r"var (\w+) =", scripts[0]))
    used = set(re.findall(r"(\w+)\.addTo\(", scripts[0]))
    assert used and used <= defined
    assert all(url.startswith(PREFIX) for call in sent for url in call["js_links"] + call["css_links"])


def test_a_renamed_place_is_drawn_anew_though_nothing_else_changed(monkeypatch):
    """The cache key is the content: a pin renamed without touching updated_at is not served stale."""
    import streamlit_folium

    from ui.map import show_map

    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    places = _city()
    show_map(places, language="en", tiles="osm", now=NOW)
    park = next(p for p in places if p.id == "hongshan_park")
    park.name_en = "Hongshan Park, renamed"
    show_map(places, language="en", tiles="osm", now=NOW)
    assert "Hongshan Park, renamed" not in sent[0]["script"] and "Hongshan Park, renamed" in sent[1]["script"]


def test_published_stations_and_upcoming_events_have_their_own_layers(make_user):
    from db.engine import read_session
    from points.checkin import checkpoints
    from points.common.clock import utcnow
    from tests.support.checkin import load_city, make_checkpoint

    load_city()
    organizer = make_user("olga", role="organizer")
    now = utcnow()
    make_checkpoint(organizer.id, kind="station", title_en="Zhongshan sorting point <b>",
                    starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=300))
    make_checkpoint(organizer.id, title_en="Beach clean-up on Saturday", starts_at=now + timedelta(days=2),
                    ends_at=now + timedelta(days=2, hours=3))
    make_checkpoint(organizer.id, title_en="Last month's event", starts_at=now - timedelta(days=30),
                    ends_at=now - timedelta(days=30) + timedelta(hours=3))
    with read_session() as session:
        pins = checkpoints.checkpoint_pins(session)
    assert sorted(pin.kind for pin in pins) == ["event_venue", "recycling_station"]
    html = build_map(pins, language="en").get_root().render()
    assert "Beach clean-up on Saturday" in html and "Last month" not in html
    assert "Zhongshan sorting point &lt;b&gt;" in html and "sorting point <b>" not in html
