"""Honest advice for the score page: how many verified trips reach the next tier, spread over today and the rest of
this week within the daily cap, counting what today already holds. A suggestion the cap would refuse ("15 metro
trips of 10 km today" against a 60 km cap) is a promise the ledger cannot keep, so it is never made."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from points.catalogue.actions import current_action
from points.catalogue.carbon import credit_for
from points.claims.channels import day_use
from points.common.clock import local_day
from points.score.rules import Fact, Penalty, compute, load_rules, next_tier


@dataclass(frozen=True)
class Trip:
    """The suggested verified action as the catalogue credits it today."""

    code: str
    km: float
    co2e_g: int
    category: str
    daily_cap_km: float | None


@dataclass(frozen=True)
class NextStep:
    """Trips per day, today first, that reach `tier`; `room_today_km` is what today's cap still takes."""

    tier: dict
    per_day: tuple[int, ...]
    room_today_km: float | None

    @property
    def total(self) -> int:
        return sum(self.per_day)


def trips_allowed(room_km: float | None, trip_km: float, most: int) -> int:
    """Whole trips that fit in the room left (no cap: up to `most`)."""
    return most if room_km is None else max(0, min(most, int(room_km // trip_km)))


def plan(facts: list[Fact], penalties: list[Penalty], now: datetime, *, trip: Trip, used_today_km: float,
         rules: dict | None = None) -> NextStep | None:
    """The fewest trips, each day as many as its cap allows, that reach the next tier by the end of this week
    (Sunday, city time); None when there is no higher tier or the caps do not allow it this week."""
    rules = rules or load_rules()
    target = next_tier(compute(facts, penalties, now, rules), rules)
    if target is None:
        return None
    most = rules["suggestion"]["max_actions"]
    room_today = None if trip.daily_cap_km is None else max(0.0, trip.daily_cap_km - used_today_km)
    days_left = 7 - local_day(now).weekday()
    added: list[Fact] = []
    per_day: list[int] = []
    next_id = max((fact.entry_id for fact in facts), default=0) + 1
    for offset in range(days_left):
        at = now + timedelta(days=offset)
        room = room_today if offset == 0 else trip.daily_cap_km
        per_day.append(0)
        for _ in range(trips_allowed(room, trip.km, most - len(added))):
            added.append(Fact(entry_id=next_id + len(added), at=at, co2e_g=trip.co2e_g, category=trip.category,
                              verified=True))
            per_day[-1] += 1
            if compute(facts + added, penalties, at, rules).total >= target["min"]:
                return NextStep(tier=target, per_day=tuple(per_day), room_today_km=room_today)
    return None


def suggested_trip(session: Session, rules: dict | None = None) -> Trip:
    """The published suggestion (a 10 km metro ride by default) credited by the current catalogue version."""
    spec = (rules or load_rules())["suggestion"]
    action = current_action(session, code=spec["action_code"])
    return Trip(code=action.code, km=spec["trip_km"], co2e_g=credit_for(action, spec["trip_km"]).co2e_g,
                category=action.category, daily_cap_km=action.daily_cap)


@dataclass(frozen=True)
class Advice:
    """What the score page says: the trip it suggests, what today already holds, and the plan (None: no plan
    fits this week, or there is no higher tier)."""

    trip: Trip
    used_today_km: float
    step: NextStep | None

    @property
    def cap_reached_today(self) -> bool:
        return self.trip.daily_cap_km is not None and self.used_today_km >= self.trip.daily_cap_km


def advice(session: Session, *, user_id: int, facts: list[Fact], penalties: list[Penalty], now: datetime) -> Advice:
    """This resident's advice. The verified cap counts every source (points.claims.channels), so today's
    self-reported and partner-credited kilometres both take room."""
    trip = suggested_trip(session)
    used = day_use(session, user_id=user_id, action_code=trip.code, day=local_day(now).isoformat()).used
    return Advice(trip=trip, used_today_km=used, step=plan(facts, penalties, now, trip=trip, used_today_km=used))
