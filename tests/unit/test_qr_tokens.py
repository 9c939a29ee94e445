"""Check-in tokens: genuine ones pass, forged, tampered, moved or stale ones are refused with our own error."""
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from points.checkin import tokens
from points.checkin.tokens import TokenError, checkin_link, kiosk_token, poster_token, verify

NOW = datetime(2025, 6, 1, 2, 0, 0, tzinfo=UTC)


def refused(checkpoint_id, token, **kwargs) -> str:
    with pytest.raises(TokenError) as caught:
        verify(checkpoint_id, token, **kwargs)
    return caught.value.code


def test_poster_token_is_accepted_for_its_own_checkpoint():
    assert verify(7, poster_token(7), now=NOW).purpose == "poster"


def test_token_of_another_checkpoint_is_refused():
    assert refused(8, poster_token(7)) == "checkin_invalid"


def test_token_signed_with_another_secret_is_refused():
    assert refused(7, poster_token(7, secret="someone-else")) == "checkin_invalid"


def test_kiosk_token_accepts_current_and_previous_slot_only():
    token = kiosk_token(3, now=NOW)
    assert verify(3, token, now=NOW).purpose == "kiosk"
    assert verify(3, token, now=NOW + timedelta(seconds=tokens.SLOT_SECONDS)).slot is not None
    assert refused(3, token, now=NOW + timedelta(seconds=2 * tokens.SLOT_SECONDS)) == "checkin_expired"


def test_kiosk_token_from_the_future_is_refused():
    assert refused(3, kiosk_token(3, now=NOW + timedelta(minutes=5)), now=NOW) == "checkin_invalid"


def test_kiosk_slot_cannot_be_moved_to_a_fresh_one():
    """Editing the slot number of an old photo does not make it current: the signature covers the slot."""
    old = kiosk_token(3, now=NOW - timedelta(minutes=10))
    slot, signature = old[1:].split(".")
    moved = f"k{tokens.slot_at(NOW)}.{signature}"
    assert refused(3, moved, now=NOW) == "checkin_invalid"


def test_purpose_is_bound_a_kiosk_signature_is_no_poster():
    signature = kiosk_token(3, now=NOW).split(".")[1]
    assert refused(3, "p." + signature, now=NOW) == "checkin_invalid"


def test_link_uses_the_configured_base_url(monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_BASE_URL", "https://green.example.cn/")
    assert checkin_link(5, "p.abc") == "https://green.example.cn/checkin?c=5&t=p.abc"


def test_fingerprint_does_not_contain_the_token():
    token = poster_token(9)
    assert token not in tokens.fingerprint(token) and token.split(".")[1] not in tokens.fingerprint(token)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_change_to_a_valid_token_is_refused(data):
    token = data.draw(st.sampled_from([poster_token(11), kiosk_token(11, now=NOW)]))
    position = data.draw(st.integers(0, len(token)))
    kind = data.draw(st.sampled_from(["replace", "insert", "delete"]))
    char = data.draw(st.characters())
    if kind == "replace" and position < len(token):
        changed = token[:position] + char + token[position + 1:]
    elif kind == "delete" and position < len(token):
        changed = token[:position] + token[position + 1:]
    else:
        changed = token[:position] + char + token[position:]
    if changed == token:
        return
    with pytest.raises(TokenError):
        verify(11, changed, now=NOW)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.binary(), st.none(), st.integers(), st.floats()), st.integers(-5, 10**13))
def test_parsing_never_raises_anything_but_token_error(token, checkpoint_id):
    with contextlib.suppress(TokenError):
        verify(checkpoint_id, token, now=NOW)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.none(), st.integers()))
def test_checkpoint_parameter_parsing_raises_only_token_error(value):
    with contextlib.suppress(TokenError):
        assert tokens.parse_checkpoint_id(value) >= 1
