"""Partners for tests, made the way the domain makes them: a registered partner with its secret, a resident
linked by a code, a signed request's headers, events sent in one write transaction, rows counted."""
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from db.engine import read_session, write_session
from db.models import Claim, LedgerEntry, PartnerEvent
from points.common.errors import DomainError
from points.partners import events as partner_events
from points.partners.links import issue_link_code, link_by_code
from points.partners.registry import IssuedKey, create_partner
from points.partners.signing import sign
from tests.support.ledger import NOON

METRO = ("metro", "bus")
RECYCLING = ("paper", "plastic", "glass", "metal", "low_value")


def make_partner(name: str = "metro-co", *, kind: str = "transit", actions: tuple[str, ...] = METRO,
                 rate_limit_per_minute: int = 120, now: datetime = NOON) -> IssuedKey:
    """A new active partner with its first key (the catalogue must be loaded: tests.support.ledger.load)."""
    with write_session() as session:
        return create_partner(session, actor_id=None, name=name, kind=kind, actions=list(actions),
                              rate_limit_per_minute=rate_limit_per_minute, now=now)


def issue_code(user_id: int, partner_id: int, *, now: datetime = NOON, method: str = "portal",
               operator: str | None = None) -> str:
    with write_session() as session:
        return issue_link_code(session, user_id=user_id, partner_id=partner_id, method=method, operator=operator,
                               now=now)


def redeem(partner_id: int, code: str, subject: str = "card-123", *, now: datetime = NOON) -> str:
    with write_session() as session:
        return link_by_code(session, partner_id=partner_id, code=code, subject=subject, now=now)


def link_resident(user_id: int, partner_id: int, subject: str = "card-123", *, now: datetime = NOON) -> str:
    """Consent on the portal, then the partner redeems the code: "linked" unless something is in the way."""
    return redeem(partner_id, issue_code(user_id, partner_id, now=now), subject, now=now)


def event(event_id: str, *, subject: str = "card-123", action: str = "metro", quantity: float = 10,
          occurred_at: datetime = NOON) -> partner_events.PartnerEventIn:
    return partner_events.PartnerEventIn(id=event_id, subject=subject, action=action, quantity=quantity,
                                         occurred_at=occurred_at)


def send(partner_id: int, *events: partner_events.PartnerEventIn,
         now: datetime = NOON) -> list[partner_events.EventOutcome]:
    """One batch in one write transaction, as the API sends it."""
    with write_session() as session:
        return partner_events.ingest_events(session, partner_id=partner_id, events=list(events), now=now)


def signed_headers(partner_id: int, secret: str, body: bytes | dict, *, now: datetime) -> tuple[bytes, dict]:
    """The body as bytes and the X-Partner-Id / X-Timestamp / X-Signature headers that sign it."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(now.timestamp()))
    return raw, {"X-Partner-Id": str(partner_id), "X-Timestamp": timestamp,
                 "X-Signature": sign(secret, timestamp=timestamp, body=raw)}


CREDIT_TABLES = (Claim, LedgerEntry, PartnerEvent)  # what a credited event writes (the tally counts every event)


def row_counts(models: tuple = CREDIT_TABLES) -> dict[str, int]:
    """How many rows each table holds: compare before and after to show that nothing was written."""
    with read_session() as session:
        return {model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in models}


def every_row() -> dict[str, list]:
    """Every row of every table: equal before and after means nothing at all was written."""
    with read_session() as session:
        return {name: session.execute(table.select()).all() for name, table in SQLModel.metadata.tables.items()}


def refused(code: str, call, *args, **kwargs) -> DomainError:
    """Call and expect DomainError(code); the error, for its params."""
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code
    return error.value
