"""The green credit score: a pure function of ledger facts and a date, so anyone can recompute any day's score.

Rules and tiers are published data (assets/score_tiers.json). Every component is monotone in its input and
computed in integers where it sums, so the same history always gives the same score, and one more verified
action never lowers it.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from db.config import ASSETS_DIR

RULES_FILE = ASSETS_DIR / "score_tiers.json"
COMPONENTS = ("carbon", "consistency", "variety", "volunteer", "verified", "penalty")


@dataclass(frozen=True)
class Fact:
    """One credited action as the score sees it: when, how much CO2e, which category, verified or not."""

    entry_id: int
    at: datetime
    co2e_g: int
    category: str
    hours: float = 0.0
    verified: bool = False
    reversed_at: datetime | None = None

    def stands_at(self, moment: datetime) -> bool:
        """Credited by `moment` and not reversed by then: the one rule for what still counts."""
        return self.at <= moment and (self.reversed_at is None or self.reversed_at > moment)


@dataclass(frozen=True)
class Penalty:
    """A rejected claim or a reversed credit; an upheld appeal clears it from `cleared_at` on."""

    key: str
    at: datetime
    claim_id: int | None = None
    entry_ids: frozenset = frozenset()
    cleared_at: datetime | None = None


@dataclass(frozen=True)
class Component:
    points: int
    max: int
    measure: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    as_of: datetime
    total: int
    tier: dict
    components: dict[str, Component]


@lru_cache(maxsize=4)
def load_rules(path: str = str(RULES_FILE)) -> dict:
    rules = json.loads(Path(path).read_text(encoding="utf-8"))
    rules["tiers"] = sorted(rules["tiers"], key=lambda tier: tier["min"])
    return rules


def tier_for(total: int, rules: dict | None = None) -> dict:
    tiers = (rules or load_rules())["tiers"]
    return [tier for tier in tiers if tier["min"] <= total][-1] if total >= tiers[0]["min"] else tiers[0]


def tier_rank(code: str | None, rules: dict | None = None) -> int:
    """Position of a tier code in the published order (-1 for none), to compare minimum tiers."""
    codes = [tier["code"] for tier in (rules or load_rules())["tiers"]]
    return codes.index(code) if code in codes else -1


def _live(facts: list[Fact], as_of: datetime, window_days: int) -> list[Fact]:
    """Credits that count at `as_of`: already made, not yet reversed, inside the window."""
    return sorted((fact for fact in facts if fact.stands_at(as_of) and (as_of - fact.at).days < window_days),
                  key=lambda fact: fact.entry_id)


def _carbon(live: list[Fact], as_of: datetime, rules: dict) -> Component:
    """Decayed kilograms: full weight for recent credits, then linearly down to nothing at the window's end."""
    spec, window = rules["components"]["carbon"], rules["window_days"]
    full, grams = spec["full_weight_days"], 0
    for fact in live:
        age = (as_of - fact.at).days
        weight_num, weight_den = (1, 1) if age <= full else (window - age, window - full)
        grams += max(fact.co2e_g, 0) * weight_num // weight_den
    half = spec["half_saturation_kg"]
    return Component(int(spec["max"] * grams // (grams + half * 1000)) if grams else 0, spec["max"],
                     {"grams": grams})


def _consistency(live: list[Fact], as_of: datetime, rules: dict) -> Component:
    spec = rules["components"]["consistency"]
    weeks = {(as_of - fact.at).days // 7 for fact in live} & set(range(spec["weeks"]))
    return Component(spec["max"] * len(weeks) // spec["weeks"], spec["max"],
                     {"weeks": len(weeks), "of": spec["weeks"]})


def _variety(live: list[Fact], rules: dict) -> Component:
    spec = rules["components"]["variety"]
    done = {fact.category for fact in live} & set(spec["categories"])
    missing = [category for category in spec["categories"] if category not in done]
    return Component(spec["max"] * len(done) // len(spec["categories"]), spec["max"],
                     {"count": len(done), "of": len(spec["categories"]), "missing": missing})


def _volunteer(live: list[Fact], rules: dict) -> Component:
    spec = rules["components"]["volunteer"]
    hours = sum(fact.hours for fact in live if fact.category == "volunteer")
    return Component(int(spec["max"] * min(hours, spec["hours_for_max"]) // spec["hours_for_max"]),
                     spec["max"], {"hours": round(hours, 1), "for_max": spec["hours_for_max"]})


def _verified(live: list[Fact], rules: dict) -> Component:
    """Share of verified actions, trusted fully only after enough actions (one QR scan is not a record)."""
    spec = rules["components"]["verified"]
    total, verified, enough = len(live), sum(fact.verified for fact in live), spec["actions_for_full_confidence"]
    points = spec["max"] * verified * min(total, enough) // (total * enough) if total else 0
    return Component(points, spec["max"], {"verified": verified, "total": total})


def _penalty(penalties: list[Penalty], as_of: datetime, rules: dict) -> Component:
    spec, window = rules["components"]["penalty"], rules["window_days"]
    active = [p for p in penalties if p.at <= as_of and (as_of - p.at).days < window
              and (p.cleared_at is None or p.cleared_at > as_of)]
    return Component(-min(spec["max"], spec["per_case"] * len(active)), spec["max"], {"cases": len(active)})


def compute(facts: list[Fact], penalties: list[Penalty], as_of: datetime, rules: dict | None = None) -> Score:
    """The score at `as_of`, from nothing but the facts known then."""
    rules = rules or load_rules()
    live = _live(facts, as_of, rules["window_days"])
    components = {"carbon": _carbon(live, as_of, rules), "consistency": _consistency(live, as_of, rules),
                  "variety": _variety(live, rules), "volunteer": _volunteer(live, rules),
                  "verified": _verified(live, rules), "penalty": _penalty(penalties, as_of, rules)}
    total = rules["base"] + sum(component.points for component in components.values())
    total = max(rules["minimum"], min(rules["maximum"], total))
    return Score(as_of=as_of, total=total, tier=tier_for(total, rules), components=components)


def next_tier(score: Score, rules: dict | None = None) -> dict | None:
    higher = [tier for tier in (rules or load_rules())["tiers"] if tier["min"] > score.total]
    return higher[0] if higher else None


def history_dates(now: datetime, months: int = 12) -> list[datetime]:
    """Roughly monthly sample dates ending now, for the history chart."""
    return [now - timedelta(days=30 * back) for back in range(months, -1, -1)]
