"""What a report may be and become: its kinds, its statuses and the steps between them, and the limits that keep
one resident from flooding the triage queue.

FixMyStreet's rule for duplicates: within 50 m of an open report of the same kind, a resident is offered that
report instead of filing another.
"""
import math

from points.common.errors import DomainError
from points.places.geo import EARTH_RADIUS_M, haversine_m

KINDS = ("marine_litter", "illegal_dumping", "overflowing_bin", "blocked_trail", "water_pollution", "other")
NEW, CONFIRMED, IN_PROGRESS, FIXED, NOT_A_PROBLEM = "new", "confirmed", "in_progress", "fixed", "not_a_problem"
STATUSES = (NEW, CONFIRMED, IN_PROGRESS, FIXED, NOT_A_PROBLEM)
OPEN = (NEW, CONFIRMED, IN_PROGRESS)

# A triage step: the statuses it may start from and the status it leaves. "Not a problem" is decided before a
# report is confirmed: a confirmed report has earned its reporter's credit, so it ends fixed, not dismissed.
STEPS = {
    "confirm": ((NEW,), CONFIRMED),
    "start": ((CONFIRMED,), IN_PROGRESS),
    "fix": ((CONFIRMED, IN_PROGRESS), FIXED),
    "dismiss": ((NEW,), NOT_A_PROBLEM),
}
ASSIGNABLE = OPEN

SAME_PROBLEM_RADIUS_M = 50.0
MAX_NEW_PER_DAY = 5     # reports one resident may file in a local day
MAX_OPEN_PER_RESIDENT = 10  # reports of one resident waiting for triage or a fix at once
MAX_NOTE = 1000
MAX_STEP_NOTE = 400


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise DomainError("problem_kind_invalid")
    return kind


def check_spot(lat: float | None, lon: float | None) -> tuple[float, float]:
    """A WGS-84 point: both numbers given, finite and on the globe."""
    if lat is None or lon is None:
        raise DomainError("problem_spot_missing")
    if isinstance(lat, bool) or isinstance(lon, bool) or not all(isinstance(v, (int, float)) for v in (lat, lon)):
        raise DomainError("problem_spot_invalid")
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError("problem_spot_invalid")
    return float(lat), float(lon)


def within_same_problem_radius(lat1: float, lon1: float, lat2: float, lon2: float) -> bool:
    """Within 50 m, counted to the millimetre: a point exactly 50 m away is the same spot, despite float noise."""
    return round(haversine_m(lat1, lon1, lat2, lon2), 3) <= SAME_PROBLEM_RADIUS_M


def degrees_around(lat: float, metres: float) -> tuple[float, float]:
    """Half the sides of a box holding every point within `metres` (latitude, longitude degrees), so the database
    narrows the candidates by index before haversine measures them."""
    dlat = math.degrees(metres / EARTH_RADIUS_M) * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return dlat, dlon
