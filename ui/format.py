"""Numbers, masses and dates in the reader's locale (Babel), times in the city's zone; user text as plain text."""
import re
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from points.common.clock import city_zone
from points.common.equivalents import equivalents_for, load_equivalents
from ui.i18n import babel_locale, current_language, t

# CommonMark lets any ASCII punctuation be escaped; these are the inline ones Streamlit's Markdown acts on (links,
# images, emphasis, code, tables, :emoji: and :colour[...] directives, $math$) and "#" (a heading). Hyphens and dots
# stay: "clean-up" must read as typed in the page's source too, and a stray list marker does no harm.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$:])")
# One rule for CO2e everywhere (issue 14): grams below a kilogram, kilograms below a tonne, tonnes above.
MASS_UNITS = ((1_000_000, "t"), (1_000, "kg"), (1, "g"))
MASS_DIGITS = {"g": 0, "kg": 1, "t": 1}


def plain(text: str) -> str:
    """User text (an event's title) shown through a Markdown element reads as typed: an organiser's
    `![x](https://tracker/)` must not make every visitor's browser fetch an image, nor `[x](javascript:…)` be a link."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def number(value: float | int, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def mass_unit(value: float) -> tuple[int, str]:
    """(grams per unit, unit code) for a mass in grams: 999 g stays grams, but 999.6 g would print "1,000 g", so it
    reads 1.0 kg, and 999.96 kg reads 1.0 t."""
    size, unit = MASS_UNITS[-1]
    for bigger, bigger_unit in reversed(MASS_UNITS[:-1]):
        if round(abs(value) / size, MASS_DIGITS[unit]) * size < bigger:
            break
        size, unit = bigger, bigger_unit
    return size, unit


def mass_unit_name(unit: str) -> str:
    """g / kg / t, or 克 / 千克 / 吨: a chart's axis names the unit its numbers are in."""
    return t(f"numbers.mass.{unit}")


def grams(value: float) -> str:
    """A CO2e mass as people say it: "467 g", "5.0 kg", "1.2 t" (克, 千克, 吨 in Chinese)."""
    size, unit = mass_unit(value)
    return t("numbers.amount", value=number(value / size, MASS_DIGITS[unit]), unit=mass_unit_name(unit))


def chart_mass_unit(values: list[float]) -> tuple[int, str]:
    """One unit for a whole chart, chosen by its largest bar, so bars compare and the axis label is true."""
    return mass_unit(max((abs(value) for value in values), default=0))


def plural(key: str, count: float, **params) -> str:
    """The text `key.one`, `key.few`, ... that the language's plural rules (Babel/CLDR) pick for `count`, falling
    back to `key.other`: "1 meal" / "2 meals" in English, one form in Chinese."""
    form = Locale.parse(babel_locale()).plural_form(abs(count))
    text = t(f"{key}.{form}", **params)
    return text if text != f"{key}.{form}" else t(f"{key}.other", **params)


def unit_name(unit: str, count: float = 2) -> str:
    """A catalogue unit for `count` of it: "meal" in "1 meal" and "g/meal" (count 1), "meals" for 2 or 1.5."""
    return plural(f"numbers.unit.{unit}", count)


def confidence(level: str) -> str:
    """A factor's confidence (high, medium, low-medium, low) in words; an unknown level as written."""
    key = f"numbers.confidence.{level.strip() or '-'}"
    text = t(key)
    return level if text == key else text


def year(value: str) -> str:
    """A factor's year as the catalogue writes it ("2021", "2015 data", "unknown") in the reader's words."""
    data_year = re.fullmatch(r"(\d{4}) data", value.strip())
    if data_year:
        return t("numbers.year_data", year=data_year.group(1))
    key = f"numbers.year.{value.strip() or '-'}"
    text = t(key)
    return value if text == key else text


def equivalent(value: float) -> str:
    """ "≈ 30 km not driven by car · ≈ what 305 trees absorb in a day" next to a big CO2e figure; "" for small ones,
    where a comparison would only be noise."""
    return t("numbers.equivalent_join").join(
        t(f"numbers.equivalent.{item.code}", n=number(item.amount)) for item in equivalents_for(value))


def equivalent_sources() -> str:
    """Where each comparison's factor comes from, for a caption under it."""
    return t("numbers.equivalent_sources", sources=t("numbers.sources_join").join(
        getattr(factor, f"source_{current_language()}") for factor in load_equivalents().factors))


def day(value: date) -> str:
    return format_date(value, format="medium", locale=babel_locale())


def moment(value: datetime) -> str:
    return format_datetime(value.astimezone(city_zone()), format="short", locale=babel_locale(),
                           tzinfo=city_zone())
