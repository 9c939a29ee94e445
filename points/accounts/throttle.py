"""Backoff for repeated failures, counted in the database so every portal process sees the same runs.

A hard lock-out of an account after a few failures lets anyone lock out anyone. Counting per (client,
account), per client and per account instead lets the limit that touches the owner (per account) be far
higher than the ones an attacker hits first, so the owner still signs in from the owner's own device.
Clients and accounts are stored as HMAC digests: the table holds no address and no typed username.
"""
import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, and_, col, func, or_, select

from db.config import get_settings
from db.engine import insert_for, locked
from db.models import SignInThrottle

FORGET_AFTER = timedelta(days=1)  # rows quiet this long are deleted: no run outlives its window by that much


@dataclass(frozen=True)
class Rule:
    """`limit` events in a run, then every further event waits `backoff`, doubled each time up to `cap`.
    A run ends once `window` passes without an event."""

    scope: str
    limit: int
    window: timedelta
    backoff: timedelta
    cap: timedelta

    def wait_after(self, events: int) -> timedelta | None:
        if events < self.limit:
            return None
        return min(self.backoff * 2 ** min(events - self.limit, 32), self.cap)


SIGNIN_PAIR = Rule("pair", 5, timedelta(minutes=15), timedelta(seconds=30), timedelta(minutes=15))
SIGNIN_CLIENT = Rule("client", 20, timedelta(hours=1), timedelta(seconds=30), timedelta(minutes=15))
SIGNIN_ACCOUNT = Rule("account", 200, timedelta(hours=1), timedelta(seconds=2), timedelta(minutes=1))
REGISTRATION = Rule("register", 5, timedelta(hours=1), timedelta(hours=1), timedelta(hours=1))


@dataclass(frozen=True)
class Counter:
    rule: Rule
    client: str = ""
    account: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.rule.scope, self.client, self.account


def digest(kind: str, value: str) -> str:
    """A keyed digest, so a copy of the table does not say who tried which account from where."""
    message = f"{kind}\0{value}".encode()
    return hmac.new(get_settings().secret.encode(), message, hashlib.sha256).hexdigest()


def counter(rule: Rule, *, client: str | None = None, account: str | None = None) -> Counter:
    return Counter(rule, digest("client", client) if client is not None else "",
                   digest("account", account) if account is not None else "")


def _is(item: Counter) -> ColumnElement[bool]:
    """The SQL condition that picks the one row of this counter."""
    return and_(col(SignInThrottle.scope) == item.rule.scope, col(SignInThrottle.client) == item.client,
                col(SignInThrottle.account) == item.account)


def _rows(session: Session, *, counters: list[Counter]) -> list[SignInThrottle]:
    return list(session.exec(select(SignInThrottle).where(or_(*[_is(item) for item in counters]))))


def wait_seconds(session: Session, *, counters: list[Counter], now: datetime) -> int:
    """Whole seconds until every counter allows another attempt; 0 when none is backing off."""
    until = [row.blocked_until for row in _rows(session, counters=counters)
             if row.blocked_until and row.blocked_until > now]
    return math.ceil((max(until) - now).total_seconds()) if until else 0


def _locked_row(session: Session, *, item: Counter, now: datetime) -> SignInThrottle:
    """The counter's row, created if missing and locked: two processes recording at once both count."""
    new_row = insert_for(session, SignInThrottle).values(scope=item.rule.scope, client=item.client,
                                                         account=item.account, events=0, last_at=now)
    session.execute(new_row.on_conflict_do_nothing())
    query = select(SignInThrottle).where(_is(item))
    return session.exec(locked(session, query).execution_options(populate_existing=True)).one()


def record(session: Session, *, counters: list[Counter], now: datetime) -> None:
    """Count one event on each counter (in key order, so concurrent writers lock alike) and set the backoff."""
    for item in sorted(counters, key=lambda c: c.key):
        row = _locked_row(session, item=item, now=now)
        if now - row.last_at >= item.rule.window:
            row.events = 0
        row.events, row.last_at = row.events + 1, now
        wait = item.rule.wait_after(row.events)
        row.blocked_until = now + wait if wait else None
        session.add(row)
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.last_at) < now - FORGET_AFTER))


def clear(session: Session, *, counters: list[Counter]) -> None:
    for item in counters:
        session.execute(delete(SignInThrottle).where(_is(item)))


def account_blocked_until(session: Session, *, account: str, now: datetime) -> datetime | None:
    """The latest backoff that names this account, from any client: what an admin sees and may lift."""
    return session.exec(select(func.max(SignInThrottle.blocked_until)).where(
        col(SignInThrottle.account) == digest("account", account), col(SignInThrottle.blocked_until) > now)).one()


def clear_account(session: Session, *, account: str) -> None:
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.account) == digest("account", account)))
