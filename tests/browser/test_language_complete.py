"""Language complete (issue 14): on a phone, every page of every role shows no English word on a Chinese page and
no Chinese on an English one, apart from units, formats and proper names."""
import json
import re

import pytest
from sqlmodel import Session, select

from db.config import ASSETS_DIR
from points.demo.partners import DEMO_LINK, DEMO_PARTNERS
from points.demo.seed import DEMO_ACCOUNTS
from tests.browser.conftest import sign_in, wait_idle
from ui.nav import PAGES, SIGNED_OUT

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
CHINESE_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# What a Chinese page may write in Latin letters: units and CO₂e, file and data formats, proper names.
LATIN_ALLOWED = {
    "kg", "km", "kWh", "CO", "MB",                                     # units; CO₂e
    "CSV", "JSON", "GeoJSON", "GEOJSON", "PNG", "JPG", "JPEG", "WebP", "WEBP",  # file formats
    "QR", "WGS", "HMAC", "SHA",                                        # standards: QR code, WGS-84, HMAC-SHA256
    "Green", "Egret", "OpenStreetMap", "Leaflet", "contributors",      # the portal, the map and its attribution
    "English", "BRT",                                                  # the language switch; Xiamen BRT's name
}


def trail_names() -> set[str]:
    """The 云海线's node names and the Chinese words a resident may write for them in a walk's note."""
    trail = json.loads((ASSETS_DIR / "trail_yunhai.json").read_text(encoding="utf-8"))
    return {"云海线", "山海健康步道"} | {word for node in trail["nodes"] for word in (node["name"], *node["aliases"])}


# What an English page may write in Chinese: the language switch, the names of Xiamen's 白鹭分 and its tiers, trail
# and place names, and the original title of the Shenzhen methodology a factor cites.
CHINESE_ALLOWED = {"中文", "白鹭分", "不良", "一般", "良好", "优秀", "极好", "深圳市低碳公共出行碳普惠方法学", "试行",
                   *trail_names()}
# Not words: hashes, links, and data people and partners typed (names, usernames, partner names, card numbers).
DATA = [display for _, display, *_ in DEMO_ACCOUNTS] + [name for name, *_ in DEMO_PARTNERS] + [DEMO_LINK[2]]
NOT_WORDS = [re.compile(r"https?://\S+"), re.compile(r"\b[0-9a-f]{16,}\b"),
             *(re.compile(re.escape(value)) for value in sorted(DATA, key=len, reverse=True)),
             re.compile(r"[（(](" + "|".join(username for username, *_ in DEMO_ACCOUNTS) + r")[)）]")]  # "Ann（ann）"
ROLES = (SIGNED_OUT, "resident", "organizer", "admin")


def people_in(data) -> list[re.Pattern]:
    """Every username and display name in the portal's database: other tests register people ("heron") whose
    names a page may show, and a name is data, in whatever letters its owner typed."""
    from db.engine import engine_for
    from db.models import User

    with Session(engine_for(f"sqlite:///{data / 'portal.db'}")) as session:
        names = {name for user in session.exec(select(User)) for name in (user.username, user.display_name) if name}
    return [re.compile(re.escape(name)) for name in sorted(names, key=len, reverse=True)]


def foreign_words(text: str, language: str, data_patterns: list[re.Pattern] = ()) -> set[str]:
    for pattern in (*data_patterns, *NOT_WORDS):
        text = pattern.sub(" ", text)
    if language == "zh":
        return set(LATIN_WORD.findall(text)) - LATIN_ALLOWED
    return set(CHINESE_RUN.findall(text)) - CHINESE_ALLOWED


def pages_of(role: str) -> list[str]:
    return list(dict.fromkeys(spec.key for spec in PAGES if role in spec.roles))


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_one_language(portal, portal_data, new_page, role, language):
    page = new_page(phone=True)
    if role != SIGNED_OUT:
        sign_in(page, portal, role)
    found = {}
    for key in pages_of(role):
        page.goto(f"{portal}/{key}?lang={language}")
        wait_idle(page)
        words = foreign_words(page.locator('[data-testid="stApp"]').inner_text(), language, people_in(portal_data))
        if words:
            found[key] = sorted(words)
    assert not found, f"{role} in {language}: " + "; ".join(f"{key}: {words}" for key, words in found.items())


def test_the_scan_finds_english_and_chinese_and_lets_names_and_units_through():
    assert foreign_words("每天上限 60 km，可信度 medium", "zh") == {"medium"}
    assert foreign_words("© OpenStreetMap contributors · 3.3 kg CO₂e · Demo resident 演示居民（resident）",
                         "zh") == set()
    assert foreign_words("角色：resident", "zh") == {"resident"}
    assert foreign_words("待审核：heron7 · 节约用电", "zh", [re.compile("heron7")]) == set()  # a registered name
    assert foreign_words("Good (良好) · 思明", "en") == {"思明"}
    assert foreign_words("hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "zh") == {"hash"}
