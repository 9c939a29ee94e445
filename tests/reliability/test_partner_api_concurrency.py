"""The partner API's write under real concurrency (separate processes released together, SQLite and
PostgreSQL): a batch resent while the first copy is still being written credits once, and batches naming the
same residents in opposite orders both go through (balances are locked in id order, so no deadlock)."""
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.ledger import balance_of, entries_of
from tests.support.partner_api import batch, event, linked_metro
from tests.support.partners import link_resident
from tests.support.race import run_together
from ui.partner_api import write_events
from ui.partner_api_schema import EventsRequest

COPIES = 6
pytestmark = pytest.mark.timeout(300)
METRO_10_KM = 467


def send_batch(partner_id: int, body: dict) -> list[tuple[str, str]]:
    """What the events endpoint does once a request passed its checks."""
    response = write_events(partner_id, EventsRequest.model_validate_json(json.dumps(body)), datetime.now(UTC))
    return [(result.id, result.outcome) for result in response.results]


def test_copies_of_one_batch_sent_at_once_credit_each_event_once(make_user, database):
    resident, partner_id, _ = linked_metro(make_user)
    body = batch("trip-1", "trip-2", "trip-3")
    outcomes = run_together(send_batch, [(partner_id, body)] * COPIES, database)
    assert [status for status, _ in outcomes] == ["ok"] * COPIES, outcomes
    for trip in ("trip-1", "trip-2", "trip-3"):
        seen = sorted(outcome for _, results in outcomes for event_id, outcome in results if event_id == trip)
        assert seen == ["credited"] + ["duplicate"] * (COPIES - 1)
    assert balance_of(resident.id).points == 3 * METRO_10_KM and len(entries_of(resident.id)) == 3


def test_batches_naming_residents_in_opposite_orders_both_credit(make_user, database):
    ann, partner_id, _ = linked_metro(make_user, subject="card-ann")
    bob = make_user("bob")
    assert link_resident(bob.id, partner_id, "card-bob") == "linked"
    when = datetime.now(UTC) - timedelta(hours=1)
    forward = {"events": [event(f"f{i}", subject=subject, quantity=1, occurred_at=when)
                          for i, subject in enumerate(["card-ann", "card-bob"] * 10)]}
    backward = {"events": [event(f"b{i}", subject=subject, quantity=1, occurred_at=when)
                           for i, subject in enumerate(["card-bob", "card-ann"] * 10)]}
    outcomes = run_together(send_batch, [(partner_id, forward), (partner_id, backward)] * 2, database)
    assert [status for status, _ in outcomes] == ["ok"] * 4, outcomes
    credited = [event_id for _, results in outcomes for event_id, outcome in results if outcome == "credited"]
    assert sorted(credited) == sorted(item["id"] for item in forward["events"] + backward["events"])
    assert len(entries_of(ann.id)) == len(entries_of(bob.id)) == 20
