"""Server-side sign-in sessions: one-time hand-off, idle and absolute expiry, sign-out, disabling."""
from datetime import timedelta

import pytest

from db.engine import read_session, write_session
from points.accounts import signin
from points.accounts.users_admin import set_disabled
from points.common.clock import utcnow
from points.common.errors import DomainError


def _start(user, now=None):
    with write_session() as session:
        token, handoff = signin.start_session(session, user_id=user.id, now=now)
    return signin.session_id_for_token(token), handoff


def _user_for(session_id, now=None):
    with write_session() as session:
        user = signin.user_for_session(session, session_id=session_id, now=now)
        return user.username if user else None


def _trade(handoff, now=None):
    with write_session() as session:
        return signin.cookie_for_handoff(session, handoff=handoff, now=now)


def test_the_handoff_gives_a_signed_cookie_once(make_user):
    session_id, handoff = _start(make_user("lin"))
    cookie = _trade(handoff)
    assert signin.session_id_from_cookie(cookie) == session_id
    assert _trade(handoff) is None


def test_a_tampered_cookie_is_ignored(make_user):
    session_id, handoff = _start(make_user("lin"))
    cookie = _trade(handoff)
    assert signin.session_id_from_cookie(cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")) is None
    assert signin.session_id_from_cookie("not-a-cookie") is None


def test_an_old_handoff_is_refused(make_user):
    now = utcnow()
    _, handoff = _start(make_user("lin"), now=now)
    assert _trade(handoff, now=now + signin.HANDOFF_LIFETIME + timedelta(seconds=1)) is None


def test_idle_timeout_and_absolute_lifetime(make_user):
    now = utcnow()
    session_id, _ = _start(make_user("lin"), now=now)
    assert _user_for(session_id, now=now + timedelta(hours=11)) == "lin"
    assert _user_for(session_id, now=now + timedelta(hours=11) + signin.IDLE_TIMEOUT) is None
    busy_id, _ = _start(make_user("wuyi"), now=now)
    moment = now
    while moment < now + signin.ABSOLUTE_LIFETIME - timedelta(hours=6):
        moment += timedelta(hours=6)
        assert _user_for(busy_id, now=moment) == "wuyi"
    assert _user_for(busy_id, now=now + signin.ABSOLUTE_LIFETIME) is None


def test_sign_out_ends_the_session(make_user):
    session_id, _ = _start(make_user("lin"))
    with write_session() as session:
        signin.end_session(session, session_id=session_id)
    assert _user_for(session_id) is None


def test_disabling_a_user_ends_all_their_sessions(make_user):
    admin, user = make_user("boss", role="admin"), make_user("lin")
    sessions = [_start(user)[0] for _ in range(3)]
    with write_session() as session:
        set_disabled(session, actor_id=admin.id, user_id=user.id, disabled=True)
    assert [_user_for(s) for s in sessions] == [None, None, None]


def test_only_admins_disable_accounts(make_user):
    organizer, user = make_user("org", role="organizer"), make_user("lin")
    session_id, _ = _start(user)
    with pytest.raises(DomainError, match="forbidden"), write_session() as session:
        set_disabled(session, actor_id=organizer.id, user_id=user.id, disabled=True)
    assert _user_for(session_id) == "lin"
    with read_session() as session:
        assert not session.get(type(user), user.id).disabled


def test_a_handoff_waits_until_it_is_traded(make_user):
    _, handoff = _start(make_user("lin"))
    with read_session() as session:
        assert signin.handoff_waiting(session, handoff=handoff)
    _trade(handoff)
    with read_session() as session:
        assert not signin.handoff_waiting(session, handoff=handoff)
