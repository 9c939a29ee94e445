"""An organiser places a new checkpoint by clicking the city map."""
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_idle
from tests.browser.test_map import _map_frame


def test_a_click_on_the_map_fills_the_checkpoints_coordinates(portal, new_page):
    page = new_page()
    sign_in(page, portal, "organizer")
    page.goto(f"{portal}/organize?lang=en")
    frame = _map_frame(page)
    container = frame.locator(".leaflet-container")
    container.wait_for()
    latitude = page.get_by_label("Latitude")
    expect(latitude).to_have_value("0.00000")
    box = container.bounding_box()
    container.click(position={"x": box["width"] * 0.7, "y": box["height"] * 0.8})
    wait_idle(page)
    expect(latitude).not_to_have_value("0.00000")
    lat, lon = float(latitude.input_value()), float(page.get_by_label("Longitude").input_value())
    assert 24.3 < lat < 24.7 and 117.9 < lon < 118.4, (lat, lon)
