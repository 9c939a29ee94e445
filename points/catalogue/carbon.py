"""Carbon math: avoided grams and points from a catalogue version, in exact decimals so 10 km x 46.7 is 467."""
import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from db.config import get_settings
from db.models import ActionType
from points.common.errors import DomainError

MAX_QUANTITY = 10_000
INTEGER_UNITS = ("meal", "bag")
QUANTITY_DECIMALS = 2


@dataclass(frozen=True)
class Credit:
    """What a quantity of an action is worth."""

    co2e_g: int
    points: int


def _decimal(value: float | int) -> Decimal:
    return Decimal(str(value))


def check_quantity(action: ActionType, quantity: float) -> float:
    """A positive, finite amount in the action's unit, at most two decimals (whole meals and bags)."""
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or not math.isfinite(quantity):
        raise DomainError("quantity_invalid", unit=action.unit)
    if not 0 < quantity <= MAX_QUANTITY or round(quantity, QUANTITY_DECIMALS) != quantity:
        raise DomainError("quantity_invalid", unit=action.unit)
    if action.unit in INTEGER_UNITS and quantity != int(quantity):
        raise DomainError("quantity_whole", unit=action.unit)
    return float(quantity)


def credited_factor_g(action: ActionType) -> Decimal:
    """Grams per unit actually credited: the factor, times the credit share for upper-bound factors."""
    return _decimal(action.factor_g) * _decimal(action.credit_share)


def avoided_grams(action: ActionType, quantity: float, *, share: float = 1.0) -> int:
    grams = _decimal(quantity) * credited_factor_g(action) * _decimal(share)
    return int(grams.to_integral_value(rounding=ROUND_FLOOR))


def credit_for(action: ActionType, quantity: float, *, points_per_unit: int | None = None,
               share: float = 1.0) -> Credit:
    """Points = avoided grams // GRAMS_PER_POINT; points-only actions earn points per unit and claim no CO2.

    `share` is the part a self-report earns (ActionType.self_share): grams and points alike, so the CO2e
    credited stays as conservative as the points.
    """
    if action.factor_kind == "points_only":
        rate = points_per_unit or action.points_per_unit or get_settings().volunteer_points_per_hour
        points = int((_decimal(quantity) * _decimal(rate) * _decimal(share)).to_integral_value(rounding=ROUND_FLOOR))
        return Credit(co2e_g=0, points=points)
    grams = avoided_grams(action, quantity, share=share)
    return Credit(co2e_g=grams, points=grams // get_settings().grams_per_point)
