"""Everyday comparisons next to big CO2e figures, from cited factors in assets/equivalents.json (issue 14)."""
import json

import pytest
import streamlit as st

from points.common.equivalents import EQUIVALENTS_FILE, equivalents_for, load_equivalents
from ui import format as fmt


def test_each_factor_has_a_source_in_both_languages():
    table = load_equivalents()
    assert {factor.code for factor in table.factors} == {"car_km", "tree_days"}
    for factor in table.factors:
        assert factor.source_en and factor.source_zh and factor.year and factor.confidence
    car = next(factor for factor in table.factors if factor.code == "car_km")
    assert car.grams_per_unit == 165.91 and "DESNZ" in car.source_en  # reference/emission_factors.csv


def test_amounts_are_whole_units_and_none_below_a_kilogram():
    assert equivalents_for(999) == [] and equivalents_for(-5000) == []
    by_code = {item.code: item.amount for item in equivalents_for(5026)}
    assert by_code == {"car_km": 30, "tree_days": 306}  # 5026 / 165.91, 5026 / 16.4


def test_a_factor_that_is_not_positive_fails_at_start(tmp_path):
    data = json.loads(EQUIVALENTS_FILE.read_text(encoding="utf-8"))
    data["factors"][0]["grams_per_unit"] = 0
    path = tmp_path / "equivalents.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="positive"):
        load_equivalents(str(path))


def test_the_comparison_reads_in_the_readers_language(monkeypatch):
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert fmt.equivalent(5026) == "≈ 30 km not driven by car · ≈ what 306 trees absorb in a day"
    assert fmt.equivalent(500) == ""
    assert "US EPA" in fmt.equivalent_sources()
    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    assert fmt.equivalent(5026) == "≈ 少开车 30 公里 · ≈ 306 棵树一天的吸收量"
    sources = fmt.equivalent_sources()
    assert sources.startswith("换算依据：汽车：英国能源安全与净零排放部") and "；树木：美国环境保护署" in sources
