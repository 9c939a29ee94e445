"""Places and trails: the city file loads once, imports are checked whole, admins edit and close places."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AuditLog, Checkpoint, Place
from points.common.errors import DomainError
from points.places.registry import (
    export_places,
    get_place,
    import_places,
    is_closed,
    list_places,
    load_places,
    matches,
    prepare_import,
    save_place,
    set_closure,
    trail_length_m,
    trail_segments,
    trailheads,
)

NOW = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
TRAILS = {"trail_yunhai": 15.4, "trail_linhai": 12.1, "trail_yundang_loop": 7.2, "trail_huandao": 21.1,
          "trail_railway": 3.6, "trail_wuyuanwan_loop": 6.9}


def _count(model) -> int:
    with read_session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _load() -> None:
    with write_session() as session:
        load_places(session, now=NOW)


def _feature(place_id="new_park", kind="park", coordinates=(118.1, 24.5), **props):
    geometry = {"type": "LineString" if kind == "trail" else "Point", "coordinates": list(coordinates)}
    return {"type": "Feature", "geometry": geometry,
            "properties": {"id": place_id, "kind": kind, "name_zh": "新公园", "name_en": "New Park",
                           "district": "思明", **props}}


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_the_city_file_loads_every_place_and_trail_once_and_keeps_placeholders_unpinned():
    with write_session() as session:
        assert load_places(session, now=NOW) == 47
    with write_session() as session:
        assert load_places(session, now=NOW) == 0
    with read_session() as session:
        places = list_places(session)
    assert sum(p.pinned for p in places) == 45
    assert {p.id for p in places if not p.pinned} == {"junying_village", "xiatanwei_wetland"}
    assert {p.id for p in places if p.kind == "trail"} == set(TRAILS)
    zhongshan = next(p for p in places if p.id == "zhongshan_park")
    assert zhongshan.confidence == "high" and zhongshan.properties["source_ids"] == ["A1", "B1"]


def test_each_trail_length_is_computed_from_its_geometry():
    _load()
    with read_session() as session:
        for trail_id, km in TRAILS.items():
            assert trail_length_m(get_place(session, place_id=trail_id)) / 1000 == pytest.approx(km, abs=0.06)
        yunhai = get_place(session, place_id="trail_yunhai")
    assert yunhai.properties["official_length_km"] == 23
    segments = trail_segments(yunhai)
    assert len(segments) == 10 and segments[0]["from"].startswith("厦门国际邮轮中心")
    assert sum(s["length_m"] for s in segments) == pytest.approx(trail_length_m(yunhai))


BAD_IMPORTS = [
    ("not json {", "place_import_not_json", {}),
    ('{"type": "Feature"}', "place_import_not_collection", {}),
    (_collection(_feature(), "nope"), "place_import_feature", {"n": 2}),
    (_collection(_feature(), _feature("Bad Id!")), "place_import_id", {"n": 2}),
    (_collection(_feature(), _feature("x", kind="castle")), "place_import_kind", {"n": 2}),
    (_collection(_feature(), _feature("x", name_en="  ")), "place_import_name", {"n": 2}),
    (_collection(_feature(), _feature("x", district="Narnia")), "place_import_district", {"n": 2}),
    (_collection(_feature(), _feature("x", coordinates=(24.5, 118.1, 0, 0))), "place_import_geometry", {"n": 2}),
    (_collection(_feature(), _feature("x", coordinates=(118.1, 124.5))), "place_import_range", {"n": 2}),
    (_collection(_feature(), _feature("x", coordinates=("118.1", 24.5))), "place_import_geometry", {"n": 2}),
    (_collection(_feature(), _feature("x", kind="trail", coordinates=([118.1, 24.5],))),
     "place_import_geometry", {"n": 2}),
    (_collection(_feature(), _feature("x", kind="trail")), "place_import_geometry", {"n": 2}),
    (_collection(_feature(), _feature()), "place_import_duplicate", {"n": 2, "id": "new_park"}),
    (_collection(_feature(), _feature("x", facilities={"toilets": "yes"})), "place_import_facilities", {"n": 2}),
    (_collection(_feature(), _feature("x", closure={"reason": ""})), "place_import_closure", {"n": 2}),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", '
     '"coordinates": [NaN, 24.5]}, "properties": {}}]}', "place_import_not_json", {}),
]


@pytest.mark.parametrize("text, code, params", BAD_IMPORTS, ids=[case[1] for case in BAD_IMPORTS])
def test_a_bad_import_names_the_problem_and_writes_nothing(text, code, params, make_user):
    admin = make_user("boss", role="admin")
    with pytest.raises(DomainError) as refused, write_session() as session:
        import_places(session, actor_id=admin.id, upload=prepare_import(text))
    assert refused.value.code == code
    assert {k: refused.value.params[k] for k in params} == params
    assert _count(Place) == 0 and _count(AuditLog) == 0


def test_an_import_adds_and_overwrites_in_one_audited_step(make_user):
    _load()
    admin = make_user("boss", role="admin")
    renamed = _feature("zhongshan_park", name_en="Sun Yat-sen Park", coordinates=(118.0848, 24.46163))
    with write_session() as session:
        result = import_places(session, actor_id=admin.id, upload=prepare_import(_collection(_feature(), renamed)),
                               now=NOW)
    assert result == {"added": 1, "updated": 1}
    with read_session() as session:
        assert get_place(session, place_id="zhongshan_park").name_en == "Sun Yat-sen Park"
        assert get_place(session, place_id="new_park").district == "思明"
        log = session.scalars(select(AuditLog)).one()
    assert log.action == "places.import" and log.after == {"added": ["new_park"], "updated": ["zhongshan_park"]}


def test_only_an_admin_may_import(make_user):
    organizer = make_user("olga", role="organizer")
    with pytest.raises(DomainError) as refused, write_session() as session:
        import_places(session, actor_id=organizer.id, upload=prepare_import(_collection(_feature())))
    assert refused.value.code == "forbidden" and _count(Place) == 0


def test_an_export_imports_back_unchanged_closures_included(make_user):
    _load()
    admin = make_user("boss", role="admin")
    with write_session() as session:
        set_closure(session, actor_id=admin.id, place_id="trail_linhai", reason="Typhoon repairs",
                    closed_from=NOW, closed_until=NOW + timedelta(days=7), now=NOW)
    with read_session() as session:
        before = {p.id: (p.name_zh, p.geometry, p.properties, p.closed_reason, p.closed_until)
                  for p in list_places(session)}
        exported = export_places(session)
    with write_session() as session:
        assert import_places(session, actor_id=admin.id, upload=prepare_import(exported)) == {"added": 0, "updated": 47}
    with read_session() as session:
        after = {p.id: (p.name_zh, p.geometry, p.properties, p.closed_reason, p.closed_until)
                 for p in list_places(session)}
    assert after == before


def test_an_admin_adds_and_edits_a_place_and_each_change_is_audited(make_user):
    admin = make_user("boss", role="admin")
    with write_session() as session:
        save_place(session, actor_id=admin.id, place_id="huli_station", kind="recycling_station",
                   name_zh="湖里回收站", name_en="Huli recycling station", district="湖里", lat=24.51, lon=118.12,
                   facilities={"toilets": True})
    with write_session() as session:
        save_place(session, actor_id=admin.id, place_id="huli_station", kind="recycling_station",
                   name_zh="湖里回收站", name_en="Huli station", district="湖里", lat=24.52, lon=118.12)
    with read_session() as session:
        place = get_place(session, place_id="huli_station")
        actions = [(log.action, log.before and log.before["name_en"]) for log in session.scalars(
            select(AuditLog).order_by(AuditLog.id))]
    assert place.name_en == "Huli station" and place.geometry["coordinates"] == [118.12, 24.52]
    assert actions == [("places.add", None), ("places.edit", "Huli recycling station")]


def test_an_admin_edit_with_a_bad_coordinate_is_refused_and_changes_nothing(make_user):
    _load()
    admin = make_user("boss", role="admin")
    with pytest.raises(DomainError) as refused, write_session() as session:
        save_place(session, actor_id=admin.id, place_id="zhongshan_park", kind="park", name_zh="中山公园",
                   name_en="Zhongshan Park", district="思明", lat=124.46, lon=118.08)
    assert refused.value.code == "place_import_range"
    with read_session() as session:
        assert get_place(session, place_id="zhongshan_park").geometry["coordinates"] == [118.0848, 24.46163]
    assert _count(AuditLog) == 0


def test_a_closure_has_a_reason_and_dates_and_an_edit_keeps_it(make_user):
    _load()
    admin = make_user("boss", role="admin")
    with pytest.raises(DomainError) as refused, write_session() as session:
        set_closure(session, actor_id=admin.id, place_id="hongshan_park", reason="Works",
                    closed_from=NOW, closed_until=NOW)
    assert refused.value.code == "place_closure_dates"
    with write_session() as session:
        set_closure(session, actor_id=admin.id, place_id="hongshan_park", reason="Works",
                    closed_from=NOW + timedelta(days=1), closed_until=NOW + timedelta(days=3), now=NOW)
        save_place(session, actor_id=admin.id, place_id="hongshan_park", kind="community_park",
                   name_zh="鸿山公园", name_en="Hongshan Park", district="思明", lat=24.44985, lon=118.08171)
    with read_session() as session:
        park = get_place(session, place_id="hongshan_park")
    assert not is_closed(park, now=NOW)
    assert is_closed(park, now=NOW + timedelta(days=2))
    assert not is_closed(park, now=NOW + timedelta(days=3))
    with write_session() as session:
        set_closure(session, actor_id=admin.id, place_id="hongshan_park", reason="", now=NOW)
    with read_session() as session:
        assert not is_closed(get_place(session, place_id="hongshan_park"), now=NOW + timedelta(days=2))
        assert [log.action for log in session.scalars(select(AuditLog).order_by(AuditLog.id))] == \
            ["places.close", "places.edit", "places.reopen"]


def test_filters_match_district_crossed_kind_and_part_of_a_name():
    _load()
    with read_session() as session:
        places = list_places(session)
    huli = {p.id for p in places if matches(p, district="湖里")}
    assert "trail_yunhai" in huli and "wuyuanwan_wetland" in huli and "zhongshan_park" not in huli
    assert {p.id for p in places if matches(p, text="wuyuan BAY wetland")} == {"wuyuanwan_wetland"}
    assert {p.id for p in places if matches(p, text="云海")} == {"trail_yunhai"}
    assert all(p.kind == "trail" for p in places if matches(p, kinds=["trail"]))


def test_a_trail_lists_the_trailhead_checkpoints_on_its_nodes():
    _load()
    with write_session() as session:
        for place_id, title in (("hubian_reservoir", "湖边水库入口"), ("zhongshan_park", "中山公园")):
            session.add(Checkpoint(kind="trailhead", title_zh=title, title_en=title, place_id=place_id,
                                   starts_at=NOW, ends_at=NOW + timedelta(days=365)))
    with read_session() as session:
        heads = trailheads(session, place=get_place(session, place_id="trail_yunhai"))
    assert [head.title_zh for head in heads] == ["湖边水库入口"]
