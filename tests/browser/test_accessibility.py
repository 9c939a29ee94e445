"""axe-core at zero serious/critical on every page of every role, in Chinese and English, on a phone and a desktop;
on the same visits: `<html lang>` follows the language, no icon ligature reaches the text, Streamlit's own English
is replaced on Chinese pages."""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in, wait_idle
from ui.frame import HTML_LANG, STREAMLIT_TEXTS
from ui.nav import PAGES, SIGNED_OUT

ROLES = (SIGNED_OUT, "resident", "organizer", "admin")
# Streamlit's fixed English texts (no placeholders); longer than a word, so a page's own text cannot collide.
STREAMLIT_ENGLISH = {text for text in STREAMLIT_TEXTS.values() if "{" not in text and " " in text}
# Material icons whose ligature ("volunteer_activism") is still text, so innerText and names would carry it.
ICONS_WITH_TEXT = """[...document.querySelectorAll('[data-testid="stIconMaterial"]')]
    .map(icon => icon.textContent.trim()).filter(Boolean)"""


def _problems_of_the_text(page, lang: str) -> list[str]:
    problems = [f"icon ligature {name!r} in the text" for name in page.evaluate(ICONS_WITH_TEXT)]
    if lang == "zh":
        lines = {line.strip() for line in page.locator('[data-testid="stApp"]').inner_text().splitlines()}
        problems += [f"Streamlit's English {text!r} on a Chinese page" for text in sorted(lines & STREAMLIT_ENGLISH)]
    html_lang = page.evaluate("document.documentElement.lang")
    if html_lang != HTML_LANG[lang]:
        problems.append(f"<html lang={html_lang!r}>")
    return problems


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_in_both_languages(portal, new_page, role, phone):
    page = new_page(phone=phone)
    if role != SIGNED_OUT:
        sign_in(page, portal, role)
    failures = []
    for spec in (spec for spec in PAGES if role in spec.roles):
        for lang in ("zh", "en"):
            where = f"{role} /{spec.key} {lang} {'phone' if phone else 'desktop'}"
            page.goto(f"{portal}/{spec.key}?lang={lang}")
            try:
                wait_idle(page)
                assert_accessible(page, where)
            except PlaywrightTimeoutError:
                failures.append(f"{where}: the page never finished its run")
                continue
            except AssertionError as error:
                failures.append(str(error))
            failures += [f"{where}: {problem}" for problem in _problems_of_the_text(page, lang)]
    assert not failures, "\n".join(failures)


def test_switching_language_switches_lang_and_streamlit_texts_both_ways(portal, new_page):
    page = new_page()
    page.goto(f"{portal}/signin?lang=zh")
    wait_idle(page)
    skip = page.get_by_test_id("stSkipToContent")
    expect(skip).to_have_text("跳到主要内容")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    wait_idle(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(skip).to_have_text("Skip to main content")
    expect(page.get_by_role("button", name="Show password")).to_have_count(1)

    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_idle(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(skip).to_have_text("跳到主要内容")
    expect(page.get_by_role("button", name="显示密码")).to_have_count(1)


def test_keyboard_focus_shows_a_ring_of_at_least_3_to_1(portal, new_page):
    """Tab to the sign-in button: its outline is drawn, 3 px wide, in the theme's dark green (7.9:1 on white)."""
    page = new_page()
    page.goto(f"{portal}/signin?lang=en")
    wait_idle(page)
    button = page.get_by_role("button", name="Sign in")
    for _ in range(30):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    ring = button.evaluate("element => { const s = getComputedStyle(element); "
                           "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }")
    assert ring == ["solid", "3px", "rgb(27, 94, 32)"]
