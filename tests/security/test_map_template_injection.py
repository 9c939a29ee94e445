"""Issue 11, critical: text on the map is data, never a Jinja2 template run on the server.

branca compiles what folium renders a second time as a template, so a place name `{{ 7*7 }}` showed 49 and
`{% ... lipsum.__globals__.os ... %}` ran Python in the portal when anyone opened /map. Every way text reaches
the map is covered: an admin's place, closure reason and GeoJSON import, an organiser's event and station title,
and the translated labels (layer names, legend).
"""
import json
import re
from datetime import timedelta

import folium
import jinja2.utils
import pytest

from db.engine import read_session, write_session
from points.checkin.checkpoints import checkpoint_pins
from points.common.clock import utcnow
from points.places import registry
from tests.support.checkin import load_city, make_checkpoint
from ui import map as city_map
from ui.map import build_map, esc, words

# a payload that would leave a trace: a directory in the working directory, a global in jinja2.utils
TRACE = "ge_pwned"
PAYLOADS = [
    "{{ 7*7 }}",
    "{% if 1 %}x{% endif %}",
    "{{constructor.constructor('x')()}}",
    "O'Brien {{ \"",
    "{# unclosed comment",
    "{% set o=lipsum.__globals__.os %}{{ o.makedirs(dict(ge_pwned=1)|first, exist_ok=true) }}",
    "{{ lipsum.__globals__.update(ge_pwned=1) }}",
]
ZHONGSHAN_PARK = {"lat": 24.46163, "lon": 118.0848}
MAP = "pages/public/map.py"


@pytest.fixture(autouse=True)
def no_trace(tmp_path, monkeypatch):
    """Run in an empty directory and prove afterwards that no payload wrote to it or to the template globals."""
    monkeypatch.chdir(tmp_path)
    yield
    assert not (tmp_path / TRACE).exists()
    assert not hasattr(jinja2.utils, TRACE)


def _feature(place_id: str, kind: str, name: str, geometry: dict, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"id": place_id, "kind": kind, "name_zh": name, "name_en": name, **properties}}


def _create_everything(make_user, payload: str):
    """Each way text reaches the map, through the domain functions the admin and organiser pages call."""
    admin, organizer, now = make_user("boss", role="admin"), make_user("olga", role="organizer"), utcnow()
    load_city()
    with write_session() as session:
        registry.load_places(session)
        registry.save_place(session, actor_id=admin.id, place_id="tpl_saved", kind="park", name_zh=f"saved {payload}",
                          name_en=f"saved {payload}", district=None, **ZHONGSHAN_PARK)
        registry.set_closure(session, actor_id=admin.id, place_id="zhongshan_park", reason=f"closure {payload}",
                           closed_from=now - timedelta(hours=1))
        registry.import_places(session, actor_id=admin.id, upload=registry.prepare_import(json.dumps({
            "type": "FeatureCollection", "features": [
            _feature("tpl_import", "wetland_beach", f"import {payload}",
                     {"type": "Point", "coordinates": [118.09, 24.47]}),
            _feature("tpl_trail", "trail", f"trail {payload}",
                     {"type": "LineString", "coordinates": [[118.1, 24.5], [118.11, 24.51]]},
                     official_length_km=f"km {payload}")]})))
    make_checkpoint(organizer.id, title_zh=f"event {payload}", title_en=f"event {payload}",
                    starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=3))
    make_checkpoint(organizer.id, kind="station", title_zh=f"station {payload}", title_en=f"station {payload}",
                    starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=300))
    return now


def _shown(now) -> list:
    """What /map draws: the places and the checkpoint pins, read as pages/public/map.py reads them."""
    with read_session() as session:
        return registry.list_places(session) + checkpoint_pins(session, now=now)


def _expected(payload: str, language: str) -> list[str]:
    """Each text as the visitor must see it: escaped, braces and all, in its popup (and names in tooltips)."""
    say = words(language)
    names = [f"<b>{esc(f'{source} {payload}')}</b>" for source in ("saved", "import", "trail", "event", "station")]
    return [*names, esc(say("map.closed", reason=f"closure {payload}")),
            esc(say("map.trail_official", km=f"km {payload}"))]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_text_in_every_source_shows_literally_and_runs_nothing(make_user, payload, language):
    now = _create_everything(make_user, payload)
    shown = _shown(now)
    html = build_map(shown, language=language, now=now).get_root().render()
    for text in _expected(payload, language):
        assert text in html
    assert "<b>saved 49</b>" not in html and "<b>event x</b>" not in html
    for place in shown:  # the rest of the map is still drawn
        assert (f"ge-place-{place.id}" in html) == place.pinned, place.id
    assert "L.control.layers" in html and "ge-legend" in html


@pytest.mark.parametrize("payload", PAYLOADS[2:])
def test_the_map_component_the_page_sends_carries_the_text_literally(make_user, monkeypatch, payload):
    """show_map, the page's own path (cached render, copy, st_folium): the text that broke or ran the server-side
    render reaches the browser's script as text. (st_folium builds that script from the macros, so a harmless
    `{{ 7*7 }}` already came through literally there; the cached render before it is what compiled it.)"""
    import streamlit_folium

    now = _create_everything(make_user, payload)
    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    city_map.show_map(_shown(now), language="en", tiles="osm", now=now)
    script = sent[0]["script"]
    for text in _expected(payload, "en"):
        assert text in script


@pytest.mark.parametrize("payload", ["O'Brien {{ \"", PAYLOADS[5]])
def test_a_signed_out_visitor_still_gets_the_map_page(make_user, open_page, payload):
    """A title with `{{` and a quote used to break /map for everyone; now the page renders and lists it."""
    _create_everything(make_user, payload)
    app = open_page(MAP)
    assert not app.exception
    names = set(app.dataframe[0].value.iloc[:, 0])
    assert {f"{source} {payload}" for source in ("saved", "import", "trail", "event", "station")} <= names


def test_translated_labels_layer_names_and_legend_are_text_too(monkeypatch):
    """A translation is data as well: a kind label (layer control, legend) and the tile notice stay literal."""
    real = city_map.catalogue
    shown = {"map.kind.park": "Parks {{ 7*7 }}", "map.closed_short": "{% if 1 %}x{% endif %}",
             "map.tiles_failed": "{{ lipsum.__globals__.update(ge_pwned=1) }}"}
    written = {key: text.replace("{", "{{").replace("}", "}}") for key, text in shown.items()}  # str.format
    monkeypatch.setattr(city_map, "catalogue", lambda language: {**real(language), **written})
    html = build_map([], language="en").get_root().render()
    assert '"Parks {{ 7*7 }}"' in html  # the layer control's key
    legend = json.loads(re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*")', html).group(1))
    assert "Parks {{ 7*7 }}" in legend and "{% if 1 %}x{% endif %}" in legend
    assert "{% if 1 %}x{% endif %}" in html and "{{ lipsum.__globals__.update(ge_pwned=1) }}" in html


def test_a_plain_folium_element_cannot_slip_onto_the_map():
    """The safe classes cannot be forgotten: a folium element that would re-template its text is refused."""
    fmap = build_map([], language="en")
    folium.Marker([24.48, 118.11], tooltip="{{ 7*7 }}").add_to(fmap)
    with pytest.raises(TypeError, match="re-templates"):
        fmap.get_root().render()
