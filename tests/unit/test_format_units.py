"""One CO2e rule everywhere (g below 1 kg, kg below 1 t, t above), units by the language's plural rules, and a
factor's confidence and year in the reader's words (issue 14)."""
import pytest
import streamlit as st

from points.common.errors import DomainError
from ui import format as fmt
from ui.i18n import error_text


@pytest.fixture
def lang(monkeypatch):
    def use(language: str) -> None:
        monkeypatch.setattr(st, "session_state", {"lang": language})
    return use


@pytest.mark.parametrize(("grams", "en", "zh"), [
    (0, "0 g", "0 克"), (467, "467 g", "467 克"), (999, "999 g", "999 克"),
    (999.6, "1.0 kg", "1.0 千克"),  # never "1,000 g"
    (5026, "5.0 kg", "5.0 千克"), (12_345, "12.3 kg", "12.3 千克"), (999_949, "999.9 kg", "999.9 千克"),
    (999_960, "1.0 t", "1.0 吨"), (1_234_567, "1.2 t", "1.2 吨"), (-5026, "-5.0 kg", "-5.0 千克"),
])
def test_co2e_reads_in_grams_kilograms_or_tonnes(lang, grams, en, zh):
    lang("en")
    assert fmt.grams(grams) == en
    lang("zh")
    assert fmt.grams(grams) == zh


def test_a_chart_takes_one_unit_from_its_largest_value(lang):
    assert fmt.chart_mass_unit([120, 4_000, 80]) == (1000, "kg")
    assert fmt.chart_mass_unit([120, 900]) == (1, "g") and fmt.chart_mass_unit([]) == (1, "g")
    assert fmt.chart_mass_unit([2_500_000, 10]) == (1_000_000, "t")
    lang("zh")
    assert fmt.mass_unit_name("kg") == "千克"


def test_units_follow_plural_rules_in_english_and_have_one_form_in_chinese(lang):
    lang("en")
    assert [fmt.unit_name("meal", n) for n in (1, 2, 0, 1.5)] == ["meal", "meals", "meals", "meals"]
    assert (fmt.unit_name("bag", 1), fmt.unit_name("hour", 3), fmt.unit_name("km", 1)) == ("bag", "hours", "km")
    assert fmt.plural("numbers.next_today", 1, n=1, km="10", tier="Good", min=600).startswith("1 more verified trip ")
    lang("zh")
    assert [fmt.unit_name("meal", n) for n in (1, 2)] == ["餐", "餐"] and fmt.unit_name("kWh", 1) == "千瓦时"


def test_confidence_and_year_of_a_factor_are_translated(lang):
    lang("zh")
    assert [fmt.confidence(level) for level in ("high", "medium", "low-medium", "low", "-")] == [
        "高", "中", "中低", "低", "不适用"]
    assert (fmt.year("2015 data"), fmt.year("unknown"), fmt.year("2021")) == ("2015 年数据", "年份不详", "2021")
    lang("en")
    assert (fmt.confidence("low-medium"), fmt.year("2015 data"), fmt.confidence("odd")) == (
        "low to medium", "2015 data", "odd")


def test_an_error_about_a_quantity_names_the_unit_in_the_readers_language(lang):
    lang("zh")
    assert error_text(DomainError("quantity_whole", unit="meal")) == "请输入整数个餐。"
    lang("en")
    assert error_text(DomainError("quantity_whole", unit="meal")) == "Enter a whole number of meals."
    assert "10,000 km" in error_text(DomainError("quantity_invalid", unit="km"))
