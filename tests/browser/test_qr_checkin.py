"""A volunteer on a phone: the organiser's poster PNG decodes to a link; signed out, sign in, credited, then already."""
import io

import zxingcpp
from PIL import Image

from tests.browser.conftest import DEMO_PASSWORD, sign_in, wait_for_sign_in_cookie, wait_idle

TRAILHEAD = "Mountain-to-Sea Trail start (Cruise Center)"


def download_poster_link(page, portal: str) -> str:
    """Sign in as the demo organiser, pick the trailhead, download its poster PNG and decode the QR code."""
    sign_in(page, portal, "organizer", path="organize")
    page.goto(f"{portal}/organize?lang=en")
    wait_idle(page)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=TRAILHEAD, exact=False).click()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download poster (PNG)").click()
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(download.value.path().read_bytes())))
    return code.text


def scan_signed_out_and_sign_in(phone, link: str, username: str = "resident", password: str = DEMO_PASSWORD) -> None:
    """Open a scanned link signed out and sign in on the form it shows (the demo resident unless told)."""
    phone.goto(link)
    wait_idle(phone)
    phone.get_by_label("Username").fill(username)
    phone.get_by_label("Password", exact=True).fill(password)
    phone.get_by_role("button", name="Sign in").click()


def test_phone_scan_signs_in_then_credits_once(portal, new_page):
    link = download_poster_link(new_page(), portal)
    assert link.startswith(f"{portal}/checkin?c=")
    phone = new_page(phone=True)
    scan_signed_out_and_sign_in(phone, link)
    wait_idle(phone)
    phone.get_by_text("points credited").wait_for()
    assert "t=" not in phone.url
    wait_for_sign_in_cookie(phone)  # the second scan opens a new session: it must find the sign-in cookie
    phone.goto(link)
    wait_idle(phone)
    phone.get_by_text("already checked in").wait_for()
