"""Translations bound per run from session state: gettext.install() would be process-wide (DESIGN traps)."""
import json
from functools import cache

import streamlit as st

from db.config import ASSETS_DIR
from points.common.errors import DomainError

LOCALES_DIR = ASSETS_DIR / "locales"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


@cache
def catalogue(language: str) -> dict[str, str]:
    """All message files of one language merged; each area of the portal keeps its own file."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def language_from_locale(locale: str | None) -> str:
    return "en" if (locale or "").lower().startswith("en") else DEFAULT_LANGUAGE


def current_language() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, **params) -> str:
    text = catalogue(current_language()).get(key) or catalogue("en").get(key, key)
    return text.format(**params) if params else text


def error_text(error: DomainError) -> str:
    """The error in words; a catalogue unit among its params ("meal") reads as the unit's name ("餐", "meals")."""
    params = dict(error.params)
    if "unit" in params:
        name = t(f"numbers.unit.{params['unit']}.other")
        params["unit"] = params["unit"] if name.startswith("numbers.unit.") else name
    return t(f"error.{error.code}", **params)


def babel_locale() -> str:
    return BABEL_LOCALES[current_language()]


def localized(obj, field: str = "name", language: str | None = None) -> str:
    """A record's `<field>_zh` or `<field>_en`. Pass `language` when the text is used later, e.g. by a
    format_func that AppTest calls outside the run, where the session's language can't be read."""
    return getattr(obj, f"{field}_{language or current_language()}")
