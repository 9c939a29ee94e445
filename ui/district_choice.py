"""The district picker that registration and the account page share: the city's districts, translated, and
"prefer not to say" (""), which is the default: a resident need not tell where they live."""
import streamlit as st

from points.places.registry import DISTRICTS
from ui.i18n import t


def district_name(district: str) -> str:
    return t(f"map.district.{district}") if district else t("landing.district.none")


def district_select(*, key: str, current: str | None = None) -> str:
    """The chosen district, or "" for "prefer not to say"."""
    options = ["", *DISTRICTS]
    names = {option: district_name(option) for option in options}  # format_func may run outside the script's run
    return st.selectbox(t("landing.district.label"), options, index=options.index(current) if current in options else 0,
                        format_func=names.__getitem__, help=t("landing.district.help"), key=key)
