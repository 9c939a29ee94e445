"""Numbers and dates follow the reader's language (Babel)."""
from datetime import UTC, date, datetime

import streamlit as st

from ui import format as fmt


def test_numbers_masses_and_dates_in_each_language(monkeypatch):
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert fmt.number(1234567) == "1,234,567"
    assert fmt.grams(467) == "467 g" and fmt.grams(12_345) == "12.3 kg"
    assert fmt.day(date(2026, 11, 24)) == "24 Nov 2026"
    assert fmt.moment(datetime(2026, 11, 24, 16, 30, tzinfo=UTC)) == "25/11/2026, 00:30"
    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    assert fmt.day(date(2026, 11, 24)) == "2026年11月24日"
    assert fmt.moment(datetime(2026, 11, 24, 16, 30, tzinfo=UTC)).startswith("2026/11/25")
