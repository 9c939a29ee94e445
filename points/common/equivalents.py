"""Everyday comparisons for a CO2e mass (km a car does not drive, trees' uptake for a day), from cited factors in
assets/equivalents.json: a number people can picture, never a new claim, so each factor keeps its source."""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from db.config import ASSETS_DIR

EQUIVALENTS_FILE = ASSETS_DIR / "equivalents.json"


@dataclass(frozen=True)
class Factor:
    code: str
    grams_per_unit: float
    source_en: str
    source_zh: str
    year: str
    confidence: str


@dataclass(frozen=True)
class Equivalents:
    from_grams: float  # below this a comparison is noise ("≈ 0 km")
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Equivalent:
    code: str
    amount: int


@cache
def load_equivalents(path: str = str(EQUIVALENTS_FILE)) -> Equivalents:
    """The file read once; a factor that is not a positive number fails at start, not on a page."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    factors = tuple(Factor(**{name: item[name] for name in Factor.__dataclass_fields__}) for item in data["factors"])
    if any(not factor.grams_per_unit > 0 for factor in factors):
        raise ValueError("equivalents: every factor needs positive grams per unit")
    return Equivalents(from_grams=float(data["from_grams"]), factors=factors)


def equivalents_for(grams: float, table: Equivalents | None = None) -> list[Equivalent]:
    """Each comparison for `grams`, rounded to whole units; none below the threshold or for a negative mass."""
    table = table or load_equivalents()
    if grams < table.from_grams:
        return []
    return [Equivalent(factor.code, round(grams / factor.grams_per_unit)) for factor in table.factors]
