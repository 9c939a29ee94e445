"""The map page in Chromium: markers and the six trails inside st_folium, popups, and nothing from a CDN."""
from urllib.parse import urlparse

from tests.browser.conftest import wait_idle

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
POINT_MARKERS = 39 + 4  # 45 pinned places minus the 6 trails (lines), plus the demo station and 3 events
TILE_HOSTS = {"tile.openstreetmap.org"}


def _map_frame(page):
    """The map's frame once the run that drew it is over (a rerun briefly shows the old and the new map)."""
    wait_idle(page)
    page.wait_for_function(f"() => document.querySelectorAll('{MAP_FRAME}').length === 1"
                           " && !document.querySelector('[data-stale=\"true\"]')")
    return page.frame_locator(MAP_FRAME)


def _open_map(page, portal):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{portal}/map?lang=en")
    frame = _map_frame(page)
    frame.locator(".leaflet-container").wait_for()
    frame.locator("path.ge-trail").first.wait_for(state="attached")
    return frame, requested


def test_the_map_shows_every_marker_and_the_six_dashed_trails(portal, new_page):
    page = new_page()
    frame, requested = _open_map(page, portal)
    assert frame.locator("path.ge-trail").count() == 6
    assert frame.locator('path.ge-trail[stroke-dasharray="8 8"]').count() == 6
    pins = frame.locator(".ge-pin").count()
    clustered = sum(int(text) for text in frame.locator(".marker-cluster span").all_inner_texts())
    assert pins + clustered == POINT_MARKERS
    assert frame.locator(".leaflet-control-layers").get_by_text("Health trails").count() == 1
    assert frame.locator(".ge-legend").get_by_text("Wetlands and beaches").count() == 1
    outside = {urlparse(url).hostname for url in requested} - {"127.0.0.1"} - TILE_HOSTS
    assert outside == set(), outside
    assert any(url.endswith("/vendor/leaflet/leaflet.js") for url in requested)


def test_the_map_says_so_when_its_tiles_cannot_load(portal, new_page):
    page = new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    frame, _ = _open_map(page, portal)
    notice = frame.locator(".ge-tile-notice")
    notice.wait_for()
    assert "tiles cannot load" in notice.inner_text()


def test_clicking_a_park_opens_its_popup_with_its_name(portal, new_page):
    page = new_page()
    page.goto(f"{portal}/map?lang=en")
    wait_idle(page)
    page.get_by_label("Search by name").fill("Zhongshan")
    page.keyboard.press("Enter")
    wait_idle(page)
    frame = _map_frame(page)
    marker = frame.locator(".ge-place-zhongshan_park")
    marker.wait_for()
    assert frame.locator(".ge-pin").count() == 2  # the park, and the demo recycling station inside it
    marker.dispatch_event("click")  # the station's pin sits on top of the park's
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Zhongshan Park" in popup.inner_text()
    assert "Comprehensive parks" in popup.inner_text()


def test_the_vendor_route_serves_leaflet_1_9_3(portal, new_page):
    response = new_page().request.get(f"{portal}/vendor/leaflet/leaflet.js")
    assert response.status == 200 and "Leaflet 1.9.3" in response.text()[:200]
