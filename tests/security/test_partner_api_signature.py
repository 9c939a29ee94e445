"""Partner API: a request is only acted on when its signature is right, from a key valid now, of an active
partner, within 300 s of the server's clock. Every other request gets the same 401 and writes nothing, and the
JSON of an unsigned request is never looked at."""
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import write_session
from points.partners.registry import rotate_key, update_partner
from tests.support.partner_api import (
    EVENTS,
    LINKS,
    batch,
    client,
    freeze_server_clock,
    fresh_limits,
    linked_metro,
    post,
    results,
)
from tests.support.partners import every_row, issue_code, signed_headers

pytestmark = pytest.mark.usefixtures(fresh_limits.__name__)
UNAUTHORIZED = {"error": "unauthorized"}


def refused_unsigned(response, before) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == UNAUTHORIZED  # the same words whatever failed: a prober learns nothing
    assert every_row() == before


@pytest.mark.parametrize("header", ["X-Partner-Id", "X-Timestamp", "X-Signature"])
def test_a_missing_header_is_refused(make_user, header):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    raw, headers = signed_headers(partner_id, secret, batch("trip"), now=datetime.now(UTC))
    del headers[header]
    refused_unsigned(client().post(EVENTS, content=raw, headers={"Content-Type": "application/json", **headers}),
                     before)


@pytest.mark.parametrize("headers", [
    {"X-Signature": "sha256=" + "0" * 64},
    {"X-Signature": "0" * 64},
    {"X-Partner-Id": "999"},
    {"X-Partner-Id": "1abc"},
    {"X-Partner-Id": "9" * 40},  # would overflow a BIGINT: refused before any query
    {"X-Timestamp": "soon"},
])
def test_a_wrong_signature_or_partner_is_refused(make_user, headers):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    refused_unsigned(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret, headers=headers),
                     before)


def test_a_body_changed_after_signing_is_refused(make_user):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    raw, headers = signed_headers(partner_id, secret, batch("trip", quantity=1), now=datetime.now(UTC))
    forged = raw.replace(b'"quantity": 1', b'"quantity": 40')
    assert forged != raw
    refused_unsigned(client().post(EVENTS, content=forged, headers={"Content-Type": "application/json",
                                                                     **headers}), before)


def test_another_partners_secret_does_not_sign(make_user):
    _, partner_id, _ = linked_metro(make_user)
    before = every_row()
    refused_unsigned(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret="a" * 64), before)


def server_now(monkeypatch) -> datetime:
    """The server's clock pinned to a whole second, so a timestamp `skew` away is exactly that far off."""
    now = datetime.fromtimestamp(int(datetime.now(UTC).timestamp()), UTC)
    freeze_server_clock(monkeypatch, now)
    return now


@pytest.mark.parametrize("skew", [timedelta(seconds=-301), timedelta(seconds=301), timedelta(days=-1)])
def test_a_timestamp_more_than_300_s_off_is_refused(make_user, monkeypatch, skew):
    _, partner_id, secret = linked_metro(make_user)
    now = server_now(monkeypatch)
    before = every_row()
    refused_unsigned(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret, now=now + skew),
                     before)


@pytest.mark.parametrize("skew", [timedelta(seconds=-300), timedelta(seconds=300), timedelta(0)])
def test_a_timestamp_up_to_300_s_off_is_accepted(make_user, monkeypatch, skew):
    _, partner_id, secret = linked_metro(make_user)
    now = server_now(monkeypatch)
    assert results(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret,
                        now=now + skew))[0][1] == "credited"


def test_a_disabled_partner_is_refused(make_user):
    _, partner_id, secret = linked_metro(make_user)
    with write_session() as session:
        update_partner(session, actor_id=None, partner_id=partner_id, status="disabled")
    before = every_row()
    refused_unsigned(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret), before)


def test_a_rotated_out_key_works_during_the_overlap_and_not_after(make_user):
    _, partner_id, old = linked_metro(make_user)
    http = client()
    with write_session() as session:
        during = rotate_key(session, actor_id=None, partner_id=partner_id, overlap=timedelta(hours=1)).secret
    assert results(post(http, EVENTS, batch("a"), partner_id=partner_id, secret=old))[0][1] == "credited"
    with write_session() as session:  # a rotation two hours ago with one hour of overlap: the old keys are over
        new = rotate_key(session, actor_id=None, partner_id=partner_id, overlap=timedelta(hours=1),
                         now=datetime.now(UTC) - timedelta(hours=2)).secret
    before = every_row()
    for stale in (old, during):
        refused_unsigned(post(http, EVENTS, batch("b"), partner_id=partner_id, secret=stale), before)
    assert results(post(http, EVENTS, batch("b"), partner_id=partner_id, secret=new))[0][1] == "credited"


def test_the_signature_is_checked_before_the_json_is_parsed(make_user):
    _, partner_id, _ = linked_metro(make_user)
    before = every_row()
    refused_unsigned(post(client(), EVENTS, b'{"events": [', partner_id=partner_id, secret="wrong"), before)


def test_an_unsigned_link_leaves_the_code_unused(make_user):
    _, partner_id, secret = linked_metro(make_user, subject="card-1")
    code = issue_code(make_user("bob").id, partner_id, now=datetime.now(UTC))
    before = every_row()
    refused_unsigned(post(client(), LINKS, {"code": code, "subject": "card-2"}, partner_id=partner_id,
                          secret="wrong"), before)
    response = post(client(), LINKS, {"code": code, "subject": "card-2"}, partner_id=partner_id, secret=secret)
    assert response.json() == {"outcome": "linked"}
