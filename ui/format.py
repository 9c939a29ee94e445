"""Numbers, masses and dates in the reader's locale (Babel), times in the city's zone; user text as plain text."""
import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from points.common.clock import city_zone
from ui.i18n import babel_locale

# CommonMark lets any ASCII punctuation be escaped; these are the inline ones Streamlit's Markdown acts on (links,
# images, emphasis, code, tables, :emoji: and :colour[...] directives, $math$) and "#" (a heading). Hyphens and dots
# stay: "clean-up" must read as typed in the page's source too, and a stray list marker does no harm.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$:])")


def plain(text: str) -> str:
    """User text (an event's title) shown through a Markdown element reads as typed: an organiser's
    `![x](https://tracker/)` must not make every visitor's browser fetch an image, nor `[x](javascript:…)` be a link."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def number(value: float | int, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def grams(value: int) -> str:
    """Grams under 10 kg, kilograms above, as people say them."""
    if abs(value) >= 10_000:
        return number(value / 1000, 1) + " kg"
    return number(value) + " g"


def day(value: date) -> str:
    return format_date(value, format="medium", locale=babel_locale())


def moment(value: datetime) -> str:
    return format_datetime(value.astimezone(city_zone()), format="short", locale=babel_locale(),
                           tzinfo=city_zone())
