"""Partners: who may report what, keys shown once and never stored, rotation with an overlap, all audited."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuditLog, Partner, PartnerKey
from points.partners.registry import (
    MAX_OVERLAP,
    get_partner,
    list_partners,
    partner_by_name,
    rotate_key,
    signing_secrets,
    update_partner,
)
from tests.support.ledger import NOON, load
from tests.support.partners import make_partner, refused


@pytest.fixture(autouse=True)
def catalogue():
    load()


def secrets_now(partner_id: int, now=NOON) -> list[str]:
    with read_session() as session:
        return signing_secrets(session, partner_id=partner_id, now=now)


def audit_actions() -> list[str]:
    with read_session() as session:
        return list(session.exec(select(AuditLog.action).order_by(AuditLog.id)))


def test_a_new_partner_signs_with_the_secret_shown_once_which_no_column_holds():
    issued = make_partner("metro-co", actions=("metro", "bus"))
    assert (issued.partner.kind, issued.partner.actions, issued.partner.status) == ("transit", ["metro", "bus"],
                                                                                      "active")
    assert secrets_now(issued.partner.id) == [issued.secret]
    with read_session() as session:
        [key] = session.exec(select(PartnerKey)).all()
        stored = [str(value) for row in (key, session.get(Partner, issued.partner.id)) for value in row.model_dump()
                  .values()]
    assert len(key.salt) == 32 and not any(issued.secret in value for value in stored)


def test_the_secret_needs_the_server_secret_so_a_database_copy_cannot_sign(monkeypatch):
    issued = make_partner()
    monkeypatch.setenv("GREEN_EGRET_SECRET", "another-server")
    assert secrets_now(issued.partner.id) != [issued.secret]


def test_two_partners_get_different_secrets():
    assert make_partner("a").secret != make_partner("b").secret


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "tab\there"])
def test_a_name_is_one_to_64_printable_characters(name):
    refused("partner_name_invalid", make_partner, name)


def test_names_are_unique_whatever_their_case_and_spaces():
    make_partner("Metro-Co")
    refused("partner_name_taken", make_partner, " metro-co ")
    assert make_partner("x" * 64).partner.name == "x" * 64


def test_actions_must_be_catalogue_codes_and_the_kind_a_known_one():
    error = refused("partner_action_unknown", make_partner, actions=("metro", "teleport"))
    assert error.params["actions"] == "teleport"
    refused("partner_actions_empty", make_partner, actions=())
    refused("partner_kind_invalid", make_partner, kind="airline")
    refused("partner_rate_limit_invalid", make_partner, rate_limit_per_minute=0)
    with read_session() as session:
        assert list_partners(session) == []


def test_rotation_keeps_the_old_key_until_the_overlap_ends_and_not_a_moment_longer():
    first = make_partner()
    with write_session() as session:
        second = rotate_key(session, actor_id=None, partner_id=first.partner.id, overlap=timedelta(hours=24), now=NOON)
    end = NOON + timedelta(hours=24)
    assert second.secret != first.secret
    assert set(secrets_now(first.partner.id, end - timedelta(seconds=1))) == {first.secret, second.secret}
    assert secrets_now(first.partner.id, end) == [second.secret]


def test_rotating_twice_never_extends_the_oldest_key():
    first = make_partner()
    with write_session() as session:
        rotate_key(session, actor_id=None, partner_id=first.partner.id, overlap=timedelta(hours=1), now=NOON)
        third = rotate_key(session, actor_id=None, partner_id=first.partner.id, overlap=timedelta(hours=24),
                           now=NOON + timedelta(minutes=30))
    assert first.secret not in secrets_now(first.partner.id, NOON + timedelta(hours=2))
    assert third.secret in secrets_now(first.partner.id, NOON + timedelta(days=30))


def test_rotation_without_overlap_retires_the_old_key_at_once():
    first = make_partner()
    with write_session() as session:
        second = rotate_key(session, actor_id=None, partner_id=first.partner.id, overlap=timedelta(0), now=NOON)
    assert secrets_now(first.partner.id) == [second.secret]


@pytest.mark.parametrize("overlap", [-timedelta(seconds=1), MAX_OVERLAP + timedelta(seconds=1)])
def test_an_overlap_below_zero_or_beyond_the_limit_is_refused_and_keeps_the_key(overlap):
    """The limit lives in the domain, so the admin page and rotate-partner-key --overlap-hours keep the same rule."""
    first = make_partner()
    with write_session() as session:
        error = refused("partner_overlap_invalid", rotate_key, session, actor_id=None, partner_id=first.partner.id,
                        overlap=overlap, now=NOON)
    assert error.params == {"days": 14} and secrets_now(first.partner.id) == [first.secret]


def test_the_longest_overlap_is_accepted():
    first = make_partner()
    with write_session() as session:
        second = rotate_key(session, actor_id=None, partner_id=first.partner.id, overlap=MAX_OVERLAP, now=NOON)
    assert secrets_now(first.partner.id) == [second.secret, first.secret]


def test_every_change_is_audited_with_what_changed(make_user):
    admin = make_user("root", role="admin")
    issued = make_partner()
    with write_session() as session:
        rotate_key(session, actor_id=admin.id, partner_id=issued.partner.id, now=NOON)
        update_partner(session, actor_id=admin.id, partner_id=issued.partner.id, status="disabled",
                       actions=["metro"], now=NOON)
        update_partner(session, actor_id=admin.id, partner_id=issued.partner.id, status="disabled", now=NOON)
    assert audit_actions() == ["partner.create", "partner.rotate_key", "partner.update"]
    with read_session() as session:
        update = session.exec(select(AuditLog).where(AuditLog.action == "partner.update")).one()
        partner = get_partner(session, partner_id=issued.partner.id)
    assert (update.actor_id, update.before, update.after) == (
        admin.id, {"actions": ["metro", "bus"], "status": "active"}, {"actions": ["metro"], "status": "disabled"})
    assert (partner.status, partner.actions) == ("disabled", ["metro"])


def test_only_an_admin_changes_a_partner(make_user):
    resident = make_user("ann")
    issued = make_partner()
    with write_session() as session:
        refused("forbidden", update_partner, session, actor_id=resident.id, partner_id=issued.partner.id,
                status="disabled")
        refused("forbidden", rotate_key, session, actor_id=resident.id, partner_id=issued.partner.id)
        refused("partner_status_invalid", update_partner, session, actor_id=None, partner_id=issued.partner.id,
                status="paused")
    assert audit_actions() == ["partner.create"]


def test_an_unknown_partner_is_refused_by_id_and_by_name():
    with read_session() as session:
        refused("partner_unknown", get_partner, session, partner_id=99)
        refused("partner_unknown", partner_by_name, session, name="nobody")
