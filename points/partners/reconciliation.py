"""What partners sent, per partner and local day received, read from PartnerTally (one row per outcome a day,
kept by ingest_events), and days far above a partner's usual volume: a partner's bug or a replayed export
shows as a spike long before anyone reads the claims one by one."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from sqlmodel import Session, col, select

from db.models import Partner, PartnerTally
from points.common.clock import local_day, utcnow

REFUSED = ("unknown_subject", "not_linked", "action_not_allowed", "invalid", "over_cap")
SPIKE_FACTOR = 3
SPIKE_MINIMUM = 50
USUAL_DAYS = 14  # the days before that make a partner's usual
SPIKE_DAYS = 14  # the recent days looked at for spikes


@dataclass(frozen=True)
class DayTally:
    partner_id: int
    partner_name: str
    day: str
    received: int
    credited: int
    duplicate: int
    refused: dict[str, int]  # over_cap included: it used the event's id but earned nothing
    points: int


@dataclass(frozen=True)
class Spike:
    partner_id: int
    partner_name: str
    day: str
    received: int
    usual: float  # the median of the USUAL_DAYS days before


def _tallies(session: Session, *, since: date, partner_id: int | None):
    query = (select(PartnerTally, Partner.name).join(Partner, col(Partner.id) == col(PartnerTally.partner_id))
             .where(col(PartnerTally.day) >= since.isoformat()))
    if partner_id is not None:
        query = query.where(col(PartnerTally.partner_id) == partner_id)
    return session.exec(query).all()


def _day_tally(partner_id: int, name: str, day: str, rows: dict[str, PartnerTally]) -> DayTally:
    events = {outcome: row.events for outcome, row in rows.items()}
    return DayTally(partner_id=partner_id, partner_name=name, day=day, received=sum(events.values()),
                    credited=events.get("credited", 0), duplicate=events.get("duplicate", 0),
                    refused={outcome: events[outcome] for outcome in REFUSED if events.get(outcome)},
                    points=sum(row.points for row in rows.values()))


def reconciliation(session: Session, *, partner_id: int | None = None, days: int = 14,
                   now: datetime | None = None) -> list[DayTally]:
    """The last `days` local days that had events, newest first, then by partner name; one partner or all."""
    since = local_day(now or utcnow()) - timedelta(days=days - 1)
    grouped: dict[tuple[str, str, int], dict[str, PartnerTally]] = defaultdict(dict)
    for tally, name in _tallies(session, since=since, partner_id=partner_id):
        grouped[(tally.day, name, tally.partner_id)][tally.outcome] = tally
    result = [_day_tally(partner, name, day, rows) for (day, name, partner), rows in grouped.items()]
    result.sort(key=lambda tally: tally.partner_name)
    result.sort(key=lambda tally: tally.day, reverse=True)
    return result


def _usual(per_day: dict[str, int], day: date, first: date) -> float | None:
    """The median received over the USUAL_DAYS days before `day`, a quiet day counting as 0; days before the
    partner's first events are not part of its usual (None: no history yet, no judgement)."""
    before = [day - timedelta(days=n) for n in range(1, USUAL_DAYS + 1)]
    history = [per_day.get(earlier.isoformat(), 0) for earlier in before if earlier >= first]
    return float(median(history)) if history else None


def partner_spikes(session: Session, *, now: datetime | None = None) -> list[Spike]:
    """Days (of the last SPIKE_DAYS) where a partner received more than SPIKE_FACTOR times its usual (_usual) and
    at least SPIKE_MINIMUM events; newest first."""
    today = local_day(now or utcnow())
    received: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for tally, name in _tallies(session, since=today - timedelta(days=SPIKE_DAYS + USUAL_DAYS - 1), partner_id=None):
        received[(tally.partner_id, name)][tally.day] += tally.events
    spikes = []
    for (partner, name), per_day in received.items():
        first = date.fromisoformat(min(per_day))
        for back in range(SPIKE_DAYS):
            day = today - timedelta(days=back)
            count = per_day.get(day.isoformat(), 0)
            usual = _usual(per_day, day, first) if count >= SPIKE_MINIMUM else None
            if usual is not None and count > SPIKE_FACTOR * usual:
                spikes.append(Spike(partner_id=partner, partner_name=name, day=day.isoformat(), received=count,
                                    usual=usual))
    spikes.sort(key=lambda spike: (spike.day, spike.partner_name), reverse=True)
    return spikes
