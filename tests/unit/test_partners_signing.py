"""Partner request signatures: the right secret over "{timestamp}.{body}", within 300 s, nothing else."""
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from points.partners.signing import sign, signature_ok

NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
TIMESTAMP = str(int(NOW.timestamp()))
BODY = b'{"events": []}'


def ok(secrets=("s3cret",), *, timestamp=TIMESTAMP, signature=None, body=BODY, now=NOW) -> bool:
    signature = sign("s3cret", timestamp=timestamp, body=BODY) if signature is None else signature
    return signature_ok(list(secrets), timestamp=timestamp, signature=signature, body=body, now=now)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex():
    expected = hmac.new(b"s3cret", f"{TIMESTAMP}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", timestamp=TIMESTAMP, body=BODY) == f"sha256={expected}"


def test_a_signature_by_any_valid_secret_is_accepted():
    assert ok()
    assert ok(("new-secret", "s3cret"))


@pytest.mark.parametrize("case", ["wrong secret", "other body", "no prefix", "upper hex", "empty", "none", "junk"])
def test_anything_but_the_exact_signature_is_refused(case):
    good = sign("s3cret", timestamp=TIMESTAMP, body=BODY)
    signature = {"wrong secret": sign("guess", timestamp=TIMESTAMP, body=BODY), "other body": good,
                 "no prefix": good.removeprefix("sha256="), "upper hex": "sha256=" + good[7:].upper(), "empty": "",
                 "none": None, "junk": "sha256=é"}[case]
    body = b'{"events": [1]}' if case == "other body" else BODY
    assert signature_ok(["s3cret"], timestamp=TIMESTAMP, signature=signature, body=body, now=NOW) is False


def test_no_secret_signs_nothing():
    assert ok(()) is False


@pytest.mark.parametrize("seconds, accepted", [(300, True), (-300, True), (301, False), (-301, False)])
def test_the_timestamp_may_be_at_most_300_seconds_off_either_way(seconds, accepted):
    assert ok(now=NOW + timedelta(seconds=seconds)) is accepted


@pytest.mark.parametrize("timestamp", ["", None, "1764549000.0", "1764549000 ", "-1764549000", "1e9", "abc", "١٢٣"])
def test_a_timestamp_that_is_not_plain_unix_seconds_is_refused_even_when_signed(timestamp):
    signature = sign("s3cret", timestamp=timestamp or "", body=BODY)
    assert signature_ok(["s3cret"], timestamp=timestamp, signature=signature, body=BODY, now=NOW) is False
