"""The partner API through the portal's st.App: linking a card, crediting a signed batch exactly once however
often it is resent, unlinking, and the 400s that name the field. Every request is signed as a partner signs."""
from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import select

from db.engine import write_session
from db.models import PartnerLink
from points.partners import events as partner_events
from points.partners.events import MAX_BATCH
from points.partners.links import unlink
from tests.support.ledger import balance_of, entries_of, load
from tests.support.partner_api import (
    API,
    EVENTS,
    LINKS,
    batch,
    client,
    event,
    fresh_limits,
    linked_metro,
    post,
    results,
)
from tests.support.partners import every_row, issue_code, make_partner, row_counts

pytestmark = pytest.mark.usefixtures(fresh_limits.__name__)
METRO_10_KM = 467  # 10 km x 46.7 g avoided per km, one point a gram


def test_a_signed_batch_credits_once_however_often_it_is_resent(make_user):
    resident, partner_id, secret = linked_metro(make_user)
    http = client()
    body = batch("trip-1", "trip-2")
    assert results(post(http, EVENTS, body, partner_id=partner_id, secret=secret)) == [
        ("trip-1", "credited", METRO_10_KM), ("trip-2", "credited", METRO_10_KM)]
    assert balance_of(resident.id).points == 2 * METRO_10_KM
    counts = row_counts()
    for _ in range(3):
        assert results(post(http, EVENTS, body, partner_id=partner_id, secret=secret)) == [
            ("trip-1", "duplicate", 0), ("trip-2", "duplicate", 0)]
    assert balance_of(resident.id).points == 2 * METRO_10_KM
    assert row_counts() == counts and len(entries_of(resident.id)) == 2


def test_outcomes_come_back_in_the_order_sent(make_user):
    _, partner_id, secret = linked_metro(make_user)
    body = {"events": [event("a"), event("b", subject="card-999"), event("c", action="paper"),
                       event("d", occurred_at=datetime.now(UTC) + timedelta(hours=2)), event("a")]}
    assert [outcome for _, outcome, _ in results(post(client(), EVENTS, body, partner_id=partner_id,
                                                      secret=secret))] == [
        "credited", "unknown_subject", "action_not_allowed", "invalid", "duplicate"]


def test_unlinking_stops_credit_at_once(make_user):
    resident, partner_id, secret = linked_metro(make_user)
    http = client()
    assert results(post(http, EVENTS, batch("before"), partner_id=partner_id, secret=secret))[0][1] == "credited"
    with write_session() as session:
        unlink(session, user_id=resident.id, partner_id=partner_id, actor_id=resident.id)
    assert results(post(http, EVENTS, batch("after"), partner_id=partner_id, secret=secret)) == [
        ("after", "not_linked", 0)]
    assert balance_of(resident.id).points == METRO_10_KM


def test_a_partner_links_a_card_with_the_residents_code(make_user):
    load()
    ann, bob = make_user("ann"), make_user("bob")
    issued = make_partner()
    partner_id, secret = issued.partner.id, issued.secret
    http = client()

    def link(code: str, subject: str) -> str:
        response = post(http, LINKS, {"code": code, "subject": subject}, partner_id=partner_id, secret=secret)
        assert response.status_code == 200, response.text
        return response.json()["outcome"]

    code = issue_code(ann.id, partner_id, now=datetime.now(UTC))
    assert link("NOTACODE", "card-123") == "invalid_code"
    assert link(code, "card-123") == "linked"
    assert link(code, "card-123") == "invalid_code"  # a code works once
    stale = issue_code(bob.id, partner_id, now=datetime.now(UTC) - timedelta(minutes=11))
    assert link(stale, "card-456") == "expired_code"
    assert link(issue_code(bob.id, partner_id, now=datetime.now(UTC)), "card-123") == "already_linked"
    with write_session() as session:
        links = session.exec(select(PartnerLink)).all()
    assert [(row.user_id, row.subject) for row in links] == [(ann.id, "card-123")]


@pytest.mark.parametrize(("body", "field"), [
    (b'{"events": [', ""),
    (b'[]', ""),
    (b'{"events": []}', "events"),
    (b'{"evnts": []}', "events"),
    ({"events": [event("x", occurred_at=datetime(2026, 12, 1, 8, 30))]}, "events.0.occurred_at"),
    ({"events": [event("x"), {**event("y"), "quantity": "12.5"}]}, "events.1.quantity"),
    ({"events": [event("x"), {**event("y"), "quantity": 0}]}, "events.1.quantity"),
    ({"events": [{k: v for k, v in event("x").items() if k != "subject"}]}, "events.0.subject"),
    ({"events": [{**event("x"), "station": "Lucuo"}]}, "events.0.station"),
    ({"events": [event("x" * 129)]}, "events.0.id"),
    ({"events": [event(f"e{i}") for i in range(1001)]}, "events"),
])
def test_a_malformed_batch_is_refused_naming_the_field_and_writes_nothing(make_user, body, field):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    response = post(client(), EVENTS, body, partner_id=partner_id, secret=secret)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert field in [item["field"] for item in response.json()["detail"]]
    assert every_row() == before


def test_a_link_with_a_control_character_is_refused_naming_the_subject(make_user):
    load()
    issued = make_partner()
    response = post(client(), LINKS, {"code": "ABCDEFGH", "subject": "card\n123"}, partner_id=issued.partner.id,
                    secret=issued.secret)
    assert response.status_code == 400 and [item["field"] for item in response.json()["detail"]] == ["subject"]


def test_only_post_and_only_json(make_user):
    _, partner_id, secret = linked_metro(make_user)
    http = client()
    response = http.get(EVENTS)  # a plain Route(methods=["POST"]) would let this fall through to Streamlit's page
    assert response.status_code == 405 and response.json() == {"error": "method_not_allowed"}
    assert response.headers["allow"] == "POST"
    before = every_row()
    response = post(http, EVENTS, batch("x"), partner_id=partner_id, secret=secret,
                    headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and every_row() == before


def test_the_batch_is_written_whole_or_not_at_all(make_user, monkeypatch):
    """A failure half-way through the batch rolls back what the batch had credited before it; the partner gets a
    JSON 500 and resending the same batch then credits it."""
    resident, partner_id, secret = linked_metro(make_user)
    original, calls = partner_events.record_verified, []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(partner_events, "record_verified", fail_on_second)
    before = every_row()
    response = post(client(), EVENTS, batch("one", "two", "three"), partner_id=partner_id, secret=secret)
    assert response.status_code == 500 and response.json() == {"error": "internal_error"}
    assert every_row() == before and balance_of(resident.id).points == 0
    monkeypatch.setattr(partner_events, "record_verified", original)  # the partner resends the same batch
    assert [outcome for _, outcome, _ in results(post(client(), EVENTS, batch("one", "two", "three"),
                                                      partner_id=partner_id, secret=secret))] == ["credited"] * 3



def test_a_batch_of_exactly_1000_events_is_taken(make_user):
    resident, partner_id, secret = linked_metro(make_user)
    body = batch(*(f"trip-{i}" for i in range(MAX_BATCH)), quantity=0.05)  # 50 km in all: under the day's cap
    outcomes = results(post(client(), EVENTS, body, partner_id=partner_id, secret=secret))
    assert [outcome for _, outcome, _ in outcomes] == ["credited"] * MAX_BATCH
    assert balance_of(resident.id).points == sum(points for _, _, points in outcomes) > 0
    assert len(entries_of(resident.id)) == MAX_BATCH


def schema_of(document: dict, name: str) -> Draft202012Validator:
    """A validator for one of the document's component schemas, its $refs resolved inside the document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def test_the_openapi_document_describes_both_endpoints_their_headers_and_every_status(make_user):
    _, partner_id, secret = linked_metro(make_user)
    http = client()
    response = http.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    schemes = document["components"]["securitySchemes"]
    assert sorted((s["in"], s["name"]) for s in schemes.values()) == [
        ("header", "X-Partner-Id"), ("header", "X-Signature"), ("header", "X-Timestamp")]
    assert '"{timestamp}.{raw body}"' in schemes["partnerSignature"]["description"]
    for path in ("/partner/links", "/partner/events"):
        operation = document["paths"][path]["post"]
        assert operation["security"] == [dict.fromkeys(schemes, [])]
        assert set(operation["responses"]) == {"200", "400", "401", "405", "413", "415", "429", "500"}
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        unsigned = http.post(document["servers"][0]["url"] + path, json={})  # the paths are where the API answers
        assert unsigned.status_code == 401 and schema_of(document, "ErrorResponse").is_valid(unsigned.json())

    # The schemas are the ones the server holds requests and answers to.
    example = {"events": [{"id": "t-1", "subject": "card-123", "action": "metro", "quantity": 12.5,
                           "occurred_at": "2026-12-01T08:30:00+08:00"}]}
    assert schema_of(document, "EventsRequest").is_valid(example)
    for wrong in ({"events": [{**example["events"][0], "quantity": "12.5"}]},
                  {"events": [{**example["events"][0], "station": "Lucuo"}]}, {"events": []}):
        assert not schema_of(document, "EventsRequest").is_valid(wrong)
    assert schema_of(document, "LinkRequest").is_valid({"code": "ABCD2345", "subject": "card-123"})
    answer = post(http, EVENTS, batch("trip"), partner_id=partner_id, secret=secret)
    schema_of(document, "EventsResponse").validate(answer.json())
    refused = post(http, EVENTS, {"events": []}, partner_id=partner_id, secret=secret)
    schema_of(document, "InvalidRequestResponse").validate(refused.json())
    linked = post(http, LINKS, {"code": "ABCD2345", "subject": "card-9"}, partner_id=partner_id, secret=secret)
    schema_of(document, "LinkResponse").validate(linked.json())
