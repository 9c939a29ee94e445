"""The map, trail and admin places pages as visitors, residents and admins see them (AppTest)."""
import json
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AuditLog, Place
from points.places.registry import load_places

MAP, TRAIL, ADMIN = "pages/public/map.py", "pages/public/trail.py", "pages/admin/places.py"


@pytest.fixture(autouse=True)
def city():
    with write_session() as session:
        load_places(session)


def _rows(app) -> list[dict]:
    return app.dataframe[0].value.to_dict("records")


def test_a_signed_out_visitor_sees_the_map_page_with_every_place_listed(open_page):
    app = open_page(MAP)
    assert not app.exception
    assert app.title[0].value == "Parks and health trails"
    rows = _rows(app)
    assert len(rows) == 47
    unpinned = [r["Name"] for r in rows if "Location not verified" in r["Status"]]
    assert sorted(unpinned) == ["Junying Village", "Xiatanwei Coastal (Mangrove) Wetland Park"]


def test_filters_narrow_the_list_by_district_kind_and_name(open_page):
    app = open_page(MAP)
    app.selectbox(key="map_district").set_value("集美").run()
    assert {r["District"] for r in _rows(app)} == {"Jimei"}
    app.selectbox(key="map_district").set_value(None)
    app.multiselect(key="map_kinds").set_value(["trail"]).run()
    assert {r["Details"] for r in _rows(app)} == {f"/trail?id=trail_{name}" for name in (
        "yunhai", "linhai", "yundang_loop", "huandao", "railway", "wuyuanwan_loop")}
    app.text_input(key="map_search").set_value("nothing like this").run()
    assert app.info[0].value == "No place matches these filters."


def test_picking_a_landmark_sorts_the_list_by_distance_from_it(open_page):
    app = open_page(MAP)
    app.selectbox(key="map_origin").set_value("zhongshan_park").run()
    rows = _rows(app)
    assert rows[0]["Name"] == "Zhongshan Park" and rows[0]["Distance (km)"] == 0
    distances = [r["Distance (km)"] for r in rows if r["Distance (km)"] == r["Distance (km)"]]
    assert distances == sorted(distances) and len(distances) == 45
    assert "Location not verified" in rows[-1]["Status"]


def test_the_trail_page_shows_segments_length_and_the_walk_to_log(open_page, make_user):
    app = open_page(TRAIL, make_user("walker"), query={"id": "trail_yunhai"})
    assert not app.exception
    assert app.title[0].value.startswith("Shanhai Health Trail")
    assert len(app.dataframe[0].value) == 10
    assert any("Official length: 23 km." in m.value for m in app.markdown)
    app.selectbox(key="walk_from").set_value(6).run()
    app.selectbox(key="walk_to").set_value(9).run()
    walk = next(m.value for m in app.markdown if m.value.startswith("Your walk"))
    km = walk.split(": ")[1].split(" ")[0]
    assert 2.5 < float(km) < 3.5
    links = {link.value: link.proto.query_string for link in app.get("page_link")}
    query = parse_qs(links[f"Log this walk ({km} km)"])
    assert query["action"] == ["trail_walk"] and query["quantity"] == [km]
    assert query["note"] == ["山海健康步道·云海线 (东西向): 湖边水库 → 五缘湾湿地公园"]

def test_an_unknown_trail_says_so(open_page):
    app = open_page(TRAIL, query={"id": "zhongshan_park"})
    assert app.warning[0].value == "This trail does not exist. Pick one on the map."


def test_an_admin_import_with_an_error_shows_it_and_writes_nothing(open_page, make_user):
    app = open_page(ADMIN, make_user("boss", role="admin"))
    bad = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "id": "x", "kind": "park", "name_zh": "某", "name_en": "X"}, "geometry": {
        "type": "Point", "coordinates": [118.1, 99.0]}}]}
    app.get("file_uploader")[0].set_value(("bad.geojson", json.dumps(bad).encode(), "application/json")).run()
    app.button(key="place_import").click().run()
    assert app.error[0].value.startswith("Feature 1 has a coordinate out of range")
    with read_session() as session:
        assert session.get(Place, "x") is None
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_an_admin_renames_a_place_through_the_form(open_page, make_user):
    app = open_page(ADMIN, make_user("boss", role="admin"))
    app.selectbox(key="place_pick").set_value("nanhu_park").run()
    app.text_input[1].set_value("South Lake Park")
    app.button[0].click().run()
    assert app.success[0].value == "Place nanhu_park saved."
    with read_session() as session:
        assert session.get(Place, "nanhu_park").name_en == "South Lake Park"

