"""User management: search, role changes, disabling (ends sessions) and unlocking, each audited."""

import pytest
from sqlalchemy import select, text

from db.engine import read_session, write_session
from db.models import AuditLog, SignInSession, User
from points.accounts import signin
from points.accounts.users import backed_off_until
from points.accounts.users_admin import change_role, search_users, set_disabled, unlock
from points.common.errors import DomainError
from tests.support.signin import fail_signins


@pytest.fixture
def admin(make_user):
    return make_user("boss", role="admin")


def test_search_matches_part_of_a_username_or_name_and_a_role(admin, make_user):
    make_user("rita", display_name="Rita Chen")
    make_user("ritz_org", role="organizer")
    make_user("bob")
    with read_session() as session:
        assert [u.username for u in search_users(session, actor_id=admin.id, text="rit")] == ["rita", "ritz_org"]
        assert [u.username for u in search_users(session, actor_id=admin.id, text="chen")] == ["rita"]
        assert [u.username for u in search_users(session, actor_id=admin.id, role="organizer")] == ["ritz_org"]
        assert search_users(session, actor_id=admin.id, text="%") == []


def test_a_role_change_is_audited_and_never_ones_own(admin, make_user):
    rita = make_user("rita")
    with write_session() as session:
        change_role(session, actor_id=admin.id, user_id=rita.id, role="auditor")
    with pytest.raises(DomainError, match="admin_cannot_change_own_role"), write_session() as session:
        change_role(session, actor_id=admin.id, user_id=admin.id, role="resident")
    with read_session() as session:
        assert session.get(User, rita.id).role == "auditor"
        assert session.get(User, admin.id).role == "admin"
        audit = session.execute(select(AuditLog)).scalar_one()
    assert (audit.action, audit.before, audit.after) == ("user.role", {"role": "resident"}, {"role": "auditor"})


def test_disabling_ends_the_users_sessions(admin, make_user):
    rita = make_user("rita")
    with write_session() as session:
        token, _ = signin.start_session(session, user_id=rita.id)
    session_id = signin.session_id_for_token(token)
    with write_session() as session:
        set_disabled(session, actor_id=admin.id, user_id=rita.id, disabled=True)
    with read_session() as session:
        assert session.get(SignInSession, session_id).ended_at is not None


def test_unlock_lifts_the_sign_in_backoff_but_the_owner_is_still_told(admin, make_user):
    rita = make_user("rita")
    fail_signins("rita")
    with read_session() as session:
        assert backed_off_until(session, username="rita") is not None
    with write_session() as session:
        unlock(session, actor_id=admin.id, user_id=rita.id)
    with read_session() as session:
        assert backed_off_until(session, username="rita") is None
        assert session.get(User, rita.id).failed_signins == 5
        assert session.execute(select(AuditLog.action)).scalar_one() == "user.unlock"


def test_the_audit_log_is_append_only(admin, make_user):
    rita = make_user("rita")
    with write_session() as session:
        unlock(session, actor_id=admin.id, user_id=rita.id)
    for statement in ("UPDATE auditlog SET action = 'nothing'", "DELETE FROM auditlog"):
        with pytest.raises(Exception, match="append-only"), write_session() as session:
            session.execute(text(statement))
    with read_session() as session:
        assert session.execute(select(AuditLog.action)).scalars().all() == ["user.unlock"]
