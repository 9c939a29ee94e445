"""Distances and the GCJ-02 shift that Chinese tiles need: every number the map and trail pages show."""
import pytest

from points.places.geo import gcj02_to_wgs84, haversine_m, line_length_m, sort_by_distance, wgs84_to_gcj02

# Published test vectors of the GCJ-02 algorithm (eviltransform's test suite): wgs lat, lon -> gcj lat, lon.
KNOWN = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),    # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),    # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),    # Beijing
]
# Xiamen points as AMap (GCJ-02) gives them, with the WGS-84 value audited in the city's reference data.
XIAMEN = [
    (24.461833, 118.0851, 24.459187, 118.090076),     # 中山公园
    (24.518815, 118.173292, 24.516071, 118.178133),   # 五缘湾湿地公园
    (24.475756, 118.071317, 24.473095, 118.076287),   # 海湾公园
    (24.449751, 118.081757, 24.447105, 118.086731),   # 鸿山公园
    (24.496477, 118.194719, 24.493697, 118.199506),   # 观音山沙滩
    (24.432379, 118.101322, 24.429742, 118.106292),   # 胡里山炮台
    (24.532354, 118.166153, 24.529622, 118.171013),   # 五缘湾沙滩
]


@pytest.mark.parametrize("wgs_lat, wgs_lon, gcj_lat, gcj_lon", KNOWN + XIAMEN)
def test_wgs84_to_gcj02_lands_within_one_metre_of_the_reference(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lat, lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
    assert haversine_m(lat, lon, gcj_lat, gcj_lon) < 1.0


def test_the_shift_in_xiamen_is_about_580_metres_and_none_outside_china():
    lat, lon = wgs84_to_gcj02(24.4616, 118.0848)
    assert 450 < haversine_m(24.4616, 118.0848, lat, lon) < 700
    assert wgs84_to_gcj02(48.8584, 2.2945) == (48.8584, 2.2945)


@pytest.mark.parametrize("wgs_lat, wgs_lon, _gcj_lat, _gcj_lon", KNOWN + XIAMEN)
def test_a_click_on_chinese_tiles_converts_back_to_the_same_wgs84_point(wgs_lat, wgs_lon, _gcj_lat, _gcj_lon):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(wgs_lat, wgs_lon))
    assert haversine_m(wgs_lat, wgs_lon, *back) < 0.01


def test_haversine_gives_a_degree_of_latitude_and_zero_for_the_same_point():
    assert haversine_m(24.0, 118.0, 25.0, 118.0) == pytest.approx(111_195, abs=1)
    assert haversine_m(24.5, 118.1, 24.5, 118.1) == 0


def test_a_line_is_as_long_as_its_segments():
    coordinates = [[118.0, 24.0], [118.0, 24.5], [118.0, 25.0]]
    assert line_length_m(coordinates) == pytest.approx(haversine_m(24.0, 118.0, 25.0, 118.0))
    assert line_length_m([[118.0, 24.0]]) == 0


def test_sorting_by_distance_puts_the_nearest_first_and_unplaced_items_last():
    places = {"far": (24.60, 118.10), "near": (24.48, 118.11), "none": None, "middle": (24.52, 118.11)}
    ordered = sort_by_distance(places, (24.47, 118.11), places.get)
    assert [name for name, _ in ordered] == ["near", "middle", "far", "none"]
    assert ordered[0][1] == pytest.approx(1112, abs=2)
    assert ordered[-1][1] is None
