"""Charts that say what they show: the picture, a sentence under it and the numbers as a table behind an expander,
so a screen reader, a large-text reader or a phone in the sun gets the same facts as the drawing (issue 14).

Drawn with Altair rather than st.bar_chart so dates are a time axis in the reader's language (text dates sort
"10 Dec" before "9 Dec") and bars keep the order the caller gives."""
import re
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from ui.format import day
from ui.i18n import t


def _field(name: str) -> str:
    """A column label as a Vega field name: a dot or bracket would otherwise read as a nested field."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


def _is_dates(column: pd.Series) -> bool:
    return len(column) > 0 and all(isinstance(value, date) for value in column)


def _category(data: pd.DataFrame, x: str) -> tuple[pd.DataFrame, dict, alt.Tooltip]:
    """The x column's encoding: dates as a time axis labelled "3 Dec" / "12月3日", anything else in data order."""
    if _is_dates(data[x]):
        shown = t("numbers.chart_date")
        return (data.assign(**{x: pd.to_datetime(data[x])}),
                {"field": _field(x), "type": "temporal", "title": x, "axis": alt.Axis(format=shown)},
                alt.Tooltip(field=_field(x), type="temporal", title=x, format=shown))
    return (data, {"field": _field(x), "type": "nominal", "title": x, "sort": None, "axis": alt.Axis(labelLimit=160)},
            alt.Tooltip(field=_field(x), type="nominal", title=x))


def _table(data: pd.DataFrame) -> pd.DataFrame:
    """The chart's data as people read it: dates in the reader's format."""
    return data.assign(**{name: data[name].map(day) for name in data.columns if _is_dates(data[name])})


def _draw(chart: alt.Chart, data: pd.DataFrame, summary: str) -> None:
    st.altair_chart(chart, width="stretch", alt=summary)
    st.caption(summary)
    with st.expander(t("numbers.chart_table")):
        st.table(_table(data), hide_index=True)


def bar_chart(data: pd.DataFrame, *, x: str, y: str, summary: str, horizontal: bool = False) -> None:
    """Bars in the order of `data` (the caller sorts); `y` names the values and their unit, e.g. "CO₂e (kg)".
    `horizontal` lays long category names (action names on a phone) down the side."""
    frame, category, tip = _category(data, x)
    value = {"field": _field(y), "type": "quantitative", "title": y}
    across, up = (alt.X(**value), alt.Y(**category)) if horizontal else (alt.X(**category), alt.Y(**value))
    chart = alt.Chart(frame).mark_bar().encode(x=across, y=up, tooltip=[tip, alt.Tooltip(**value)])
    _draw(chart, data, summary)


def line_chart(data: pd.DataFrame, *, x: str, y: str, summary: str) -> None:
    """A line over `x` in `x` order, chart and table alike; dates are a time axis, not text."""
    data = data.sort_values(x, kind="stable", ignore_index=True)
    frame, category, tip = _category(data, x)
    value = {"field": _field(y), "type": "quantitative", "title": y}
    chart = alt.Chart(frame).mark_line(point=True).encode(x=alt.X(**category), y=alt.Y(**value),
                                                          tooltip=[tip, alt.Tooltip(**value)])
    _draw(chart, data, summary)
