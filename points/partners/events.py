"""Partner events become verified claims, each (partner, event id) at most once.

ingest_events runs inside the caller's write_session() and the whole batch is one transaction: either every
outcome is written or none (a failure rolls back the batch and the partner resends it; events that did get
through before are then duplicates). Refused events are not stored, so a partner can fix and resend them; the
daily tally counts every outcome, duplicates too.

Everything that can be decided without the ledger (duplicates, links, allowed actions, quantities and times)
is decided first from two prefetch queries; only then are the balances of the residents to credit locked, in
user-id order, so two batches on PostgreSQL cannot deadlock on each other's residents.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, select
from sqlmodel import Session, col

from db.engine import insert_for
from db.models import ActionType, PartnerEvent, PartnerLink, PartnerTally, User
from points.catalogue.actions import current_action
from points.catalogue.carbon import check_quantity
from points.claims.lifecycle import record_verified
from points.common.clock import local_day, utcnow
from points.common.errors import DomainError
from points.common.roles import ACTIVE_USER
from points.ledger.chain import lock_balance
from points.partners.registry import get_partner

MAX_BATCH = 1000
OUTCOMES = ("credited", "duplicate", "unknown_subject", "not_linked", "action_not_allowed", "over_cap", "invalid")
MAX_FUTURE = timedelta(minutes=5)  # partner clocks drift; an event from later than this is a bug, not a trip
MAX_AGE = timedelta(days=7)  # as far back as a resident may log by hand
MAX_ID = 128


@dataclass(frozen=True)
class PartnerEventIn:
    """One event as a partner sends it; occurred_at must be timezone-aware."""

    id: str
    subject: str
    action: str
    quantity: float
    occurred_at: datetime


@dataclass(frozen=True)
class EventOutcome:
    id: str
    outcome: str
    points: int


# SQLModel sets __table__ on every table class but does not declare it, so mypy cannot see it.
_event_table: Table = PartnerEvent.__table__  # type: ignore[attr-defined]
_tally_table: Table = PartnerTally.__table__  # type: ignore[attr-defined]

# Built once: both run on every batch.
LINKS_OF_SUBJECTS = (select(col(PartnerLink.subject), col(PartnerLink.user_id), col(PartnerLink.withdrawn_at),
                            ACTIVE_USER.label("user_active"))
                     .join(User, col(User.id) == col(PartnerLink.user_id))
                     .where(col(PartnerLink.partner_id) == bindparam("partner"),
                            col(PartnerLink.subject).in_(bindparam("subjects", expanding=True))))
KNOWN_EVENT_IDS = select(col(PartnerEvent.external_id)).where(
    col(PartnerEvent.partner_id) == bindparam("partner"),
    col(PartnerEvent.external_id).in_(bindparam("ids", expanding=True)))


def _creditable_users(session: Session, *, partner_id: int, subjects: set[str]) -> tuple[dict[str, int], set[str]]:
    """(subject -> resident for links that credit now, every subject ever linked): one query.

    A withdrawn link, or a link to an account since disabled or deleted, does not credit."""
    active: dict[str, int] = {}
    known: set[str] = set()
    for subject, user_id, withdrawn_at, user_active in session.execute(
            LINKS_OF_SUBJECTS, {"partner": partner_id, "subjects": list(subjects)}):
        known.add(subject)
        if withdrawn_at is None and user_active:
            active[subject] = user_id
    return active, known


def _known_ids(session: Session, *, partner_id: int, ids: set[str]) -> set[str]:
    return set(session.execute(KNOWN_EVENT_IDS, {"partner": partner_id, "ids": list(ids)}).scalars())


def _valid(event: PartnerEventIn, action: ActionType, now: datetime) -> float | None:
    """The quantity to credit, or None when the event cannot be right: bad id, quantity or time."""
    when = event.occurred_at
    if not 1 <= len(event.id) <= MAX_ID or when.tzinfo is None or when > now + MAX_FUTURE or when < now - MAX_AGE:
        return None
    try:
        return check_quantity(action, event.quantity)
    except DomainError:
        return None


class _Batch:
    """The decisions for one batch, made before anything is written."""

    def __init__(self, session: Session, *, partner_id: int, allowed: set[str], events: list[PartnerEventIn],
                 now: datetime) -> None:
        self.session, self.partner_id, self.now = session, partner_id, now
        self.outcomes: list[EventOutcome | None] = [None] * len(events)
        self.to_credit: list[tuple[int, PartnerEventIn, int, float]] = []  # (index, event, user, quantity)
        self.actions: dict[str, ActionType] = {}
        links, ever = _creditable_users(session, partner_id=partner_id, subjects={event.subject for event in events})
        seen = _known_ids(session, partner_id=partner_id, ids={event.id for event in events})
        for index, event in enumerate(events):
            if event.id in seen:
                self.outcomes[index] = EventOutcome(event.id, "duplicate", 0)
                continue
            seen.add(event.id)
            refusal, quantity = self._judge(event, allowed, links, ever)
            if refusal:
                self.outcomes[index] = EventOutcome(event.id, refusal, 0)
            else:
                self.to_credit.append((index, event, links[event.subject], quantity))

    def _action(self, code: str) -> ActionType:
        if code not in self.actions:
            self.actions[code] = current_action(self.session, code=code)
        return self.actions[code]

    def _judge(self, event: PartnerEventIn, allowed: set[str], links: dict[str, int],
               ever: set[str]) -> tuple[str | None, float]:
        if event.subject not in ever:
            return "unknown_subject", 0.0
        if event.subject not in links:
            return "not_linked", 0.0
        if event.action not in allowed:
            return "action_not_allowed", 0.0
        try:
            action = self._action(event.action)
        except DomainError:  # withdrawn from the catalogue since the partner was set up
            return "action_not_allowed", 0.0
        quantity = _valid(event, action, self.now)
        return ("invalid", 0.0) if quantity is None else (None, quantity)

    def credit(self) -> list[dict]:
        """Credit every event judged creditable; the PartnerEvent rows to insert."""
        for user_id in sorted({user_id for _, _, user_id, _ in self.to_credit}):
            lock_balance(self.session, user_id=user_id)
        rows = []
        for index, event, user_id, quantity in self.to_credit:
            try:
                result = record_verified(
                    self.session, user_id=user_id, action_code=event.action, quantity=quantity,
                    occurred_at=event.occurred_at, idempotency_key=f"partner:{self.partner_id}:{event.id}",
                    source="partner", partner_id=self.partner_id, now=self.now)
            except DomainError:  # its refusals (account disabled meanwhile, key reused) all come before any write
                self.outcomes[index] = EventOutcome(event.id, "invalid", 0)
                continue
            if not result.created:  # another batch credited this event meanwhile (PostgreSQL, concurrent resend)
                self.outcomes[index] = EventOutcome(event.id, "duplicate", 0)
                continue
            outcome = "credited" if result.credited_quantity > 0 else "over_cap"
            self.outcomes[index] = EventOutcome(event.id, outcome, result.points)
            rows.append({"partner_id": self.partner_id, "external_id": event.id, "user_id": user_id,
                         "action_code": event.action, "quantity": quantity, "occurred_at": event.occurred_at,
                         "outcome": outcome, "points": result.points, "claim_id": result.claim.id,
                         "received_at": self.now})
        return rows


def _add_to_tally(session: Session, *, partner_id: int, day: str, outcomes: list[EventOutcome]) -> None:
    """One upsert for the batch: events and points per outcome, added to the day's counts."""
    counts = Counter(outcome.outcome for outcome in outcomes)
    points: Counter[str] = Counter()
    for outcome in outcomes:
        points[outcome.outcome] += outcome.points
    rows = [{"partner_id": partner_id, "day": day, "outcome": name, "events": counts[name], "points": points[name]}
            for name in sorted(counts)]
    if not rows:
        return
    statement = insert_for(session, _tally_table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[_tally_table.c.partner_id, _tally_table.c.day, _tally_table.c.outcome],
        set_={"events": _tally_table.c.events + statement.excluded.events,
              "points": _tally_table.c.points + statement.excluded.points})
    session.execute(statement)


def ingest_events(session: Session, *, partner_id: int, events: list[PartnerEventIn],
                  now: datetime | None = None) -> list[EventOutcome]:
    """One outcome per event, in order, all written in the caller's transaction.

    Refuses DomainError("partner_disabled") for a disabled partner and ("partner_batch_too_large") above
    MAX_BATCH events. "credited" events earned something (maybe less than sent, at the day's cap); "over_cap"
    ones earned nothing as the cap was used up; both use up their id.
    """
    now = now or utcnow()
    if len(events) > MAX_BATCH:
        raise DomainError("partner_batch_too_large", max=MAX_BATCH)
    partner = get_partner(session, partner_id=partner_id)
    if partner.status != "active":
        raise DomainError("partner_disabled", partner=partner.name)
    if not events:
        return []
    batch = _Batch(session, partner_id=partner_id, allowed=set(partner.actions), events=events, now=now)
    rows = batch.credit()
    if rows:
        session.connection().execute(_event_table.insert(), rows)
    outcomes = [outcome for outcome in batch.outcomes if outcome is not None]
    _add_to_tally(session, partner_id=partner_id, day=local_day(now).isoformat(), outcomes=outcomes)
    return outcomes
