"""On a phone, in Chinese: the check-in outcome fills the screen, green or red, with its heading in words, an icon
that is not read out, readable contrast, and no serious axe violation."""
import re

from tests.browser.axe import assert_accessible
from tests.browser.conftest import wait_for_sign_in_cookie, wait_idle
from tests.browser.test_qr_checkin import download_poster_link, scan_signed_out_and_sign_in

VOLUNTEER_PASSWORD = "kingfisher-dune-57"
PANEL = '[class*="st-key-checkin_outcome_"]'


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def shown_panel(page) -> dict:
    """The outcome panel as drawn: its tone, heading, colours, icon and how much of the screen it takes."""
    panel = page.locator(PANEL)
    panel.wait_for()
    wait_idle(page)
    return panel.evaluate("""(panel) => {
        const heading = panel.querySelector('h1');
        return {tone: [...panel.classList].find((name) => name.startsWith('st-key-checkin_outcome_')).split('_').pop(),
                heading: heading.innerText, text: panel.innerText,
                colour: getComputedStyle(heading).color, background: getComputedStyle(panel).backgroundColor,
                icon: getComputedStyle(panel, '::before').content,
                share: panel.getBoundingClientRect().height / window.innerHeight};
    }""")


def volunteer_of_their_own(portal_data) -> str:
    """A resident of this test's own in the portal's database: the demo resident's trailhead credit for today is
    test_qr_checkin's to take."""
    from sqlmodel import Session

    from db.engine import engine_for
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user

    password = new_password(VOLUNTEER_PASSWORD)
    with Session(engine_for(f"sqlite:///{portal_data / 'portal.db'}")) as session, session.begin():
        create_user(session, username="outcome-volunteer", password=password)
    return "outcome-volunteer"


def test_the_outcome_fills_the_phone_screen_in_words_and_colour(portal, portal_data, new_page):
    link = download_poster_link(new_page(), portal)
    phone = new_page(phone=True)
    scan_signed_out_and_sign_in(phone, link, volunteer_of_their_own(portal_data), VOLUNTEER_PASSWORD)
    shown_panel(phone)
    wait_for_sign_in_cookie(phone)

    phone.goto(f"{link}&lang=zh")
    green = shown_panel(phone)
    assert green["tone"] == "green" and green["heading"] == "已签到过" and "下一步" in green["text"]
    assert green["icon"] not in ("none", "normal", "") and green["share"] >= 0.5
    assert contrast(green["colour"], green["background"]) >= 4.5
    assert_accessible(phone, "green check-in outcome (zh, phone)")

    genuine = link.rsplit("=", 1)[1]
    forged = link.replace(genuine, genuine[:-1] + ("A" if genuine[-1] != "A" else "B"))
    phone.goto(f"{forged}&lang=zh")
    red = shown_panel(phone)
    assert red["tone"] == "red" and red["heading"] == "二维码无效" and "索取新的二维码" in red["text"]
    assert contrast(red["colour"], red["background"]) >= 4.5
    assert_accessible(phone, "red check-in outcome (zh, phone)")
