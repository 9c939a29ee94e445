"""A message put into words for one reader, in the page and in the e-mail alike, without Streamlit: the page
reads in the session's language, the e-mail in the language the resident chose.

Parameter conventions, so a sender never formats text itself:
- `name_zh` / `name_en`: read as `name` in the reader's language (an event's title);
- `name_key`: a message key (in any locale file), read as `name` in words ("confirmed" / "已确认");
- `name_on`: an ISO date, `name_at`: an ISO instant, read as `name` in the reader's format (the city's zone);
- an int is a number with separators (so a year goes as a string).
"""
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from db.config import ASSETS_DIR
from points.common.clock import city_zone

LANGUAGES = ("zh", "en")
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


@dataclass(frozen=True)
class Wording:
    title: str
    body: str


@cache
def _texts(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((ASSETS_DIR / "locales" / language).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def text(key: str, language: str) -> str:
    return _texts(language).get(key) or _texts("en").get(key, key)


def _fill(params: dict, language: str) -> dict[str, str]:
    locale = BABEL_LOCALES[language]
    filled: dict[str, str] = {}
    for name, value in params.items():
        if name.endswith(("_zh", "_en")):
            if name.endswith(f"_{language}"):
                filled[name[:-3]] = str(value)
        elif name.endswith("_key"):
            filled[name[:-4]] = text(str(value), language)
        elif name.endswith("_on"):
            filled[name[:-3]] = format_date(date.fromisoformat(value), format="long", locale=locale)
        elif name.endswith("_at"):
            filled[name[:-3]] = format_datetime(datetime.fromisoformat(value), format="short", locale=locale,
                                                tzinfo=city_zone())
        elif isinstance(value, int) and not isinstance(value, bool):
            filled[name] = format_decimal(value, format="#,##0", locale=locale)
        else:
            filled[name] = str(value)
    return filled


def word(topic: str, params: dict, language: str | None) -> Wording:
    """The title and body of a `topic` message in `language` (zh when the reader never chose one)."""
    language = language if language in LANGUAGES else LANGUAGES[0]
    filled = _fill(params, language)
    return Wording(title=text(f"inbox.topic.{topic}.title", language).format(**filled),
                   body=text(f"inbox.topic.{topic}.body", language).format(**filled))
