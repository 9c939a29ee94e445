"""Linking a partner account by consent: a one-time code, its four outcomes, unlinking and the history kept."""
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuditLog, PartnerLink, PartnerLinkCode
from points.partners.links import CODE_ALPHABET, CONSENT_VERSION, consent_history, linkable_partners, links_of, unlink
from points.partners.registry import update_partner
from tests.support.ledger import NOON, load
from tests.support.partners import issue_code, link_resident, make_partner, redeem, refused


@pytest.fixture(autouse=True)
def catalogue():
    load()


@pytest.fixture
def metro():
    return make_partner("metro-co").partner


@pytest.fixture
def ann(make_user):
    return make_user("ann")


def withdraw(user_id: int, partner_id: int, *, actor_id: int | None = None, now=NOON) -> None:
    with write_session() as session:
        unlink(session, user_id=user_id, partner_id=partner_id, actor_id=actor_id or user_id, now=now)


def views(user_id: int):
    with read_session() as session:
        return links_of(session, user_id=user_id)


def test_a_code_is_eight_unambiguous_characters_and_only_its_hash_is_stored(ann, metro):
    code = issue_code(ann.id, metro.id)
    assert len(code) == 8 and set(code) <= set(CODE_ALPHABET) and not set(code) & set("0O1IL")
    with read_session() as session:
        row = session.exec(select(PartnerLinkCode)).one()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert (row.consent_version, row.method, row.expires_at - row.created_at) == (CONSENT_VERSION, "portal",
                                                                                  timedelta(minutes=10))


def test_the_partner_links_its_subject_with_the_code_once(ann, metro):
    code = issue_code(ann.id, metro.id)
    assert redeem(metro.id, code.lower()[:4] + "-" + code[4:], "card-123") == "linked"
    [view] = views(ann.id)
    assert (view.partner_name, view.subject, view.method, view.withdrawn_at) == ("metro-co", "card-123", "portal",
                                                                                 None)
    assert redeem(metro.id, code, "card-999") == "invalid_code"  # used: never again


def test_a_wrong_or_malformed_code_or_one_for_another_partner_is_invalid(ann, metro):
    other = make_partner("bikes", kind="bike_share", actions=("bike",)).partner
    code = issue_code(ann.id, other.id)
    assert redeem(metro.id, code) == "invalid_code"
    assert redeem(metro.id, "ABCDEFGH") == "invalid_code"
    assert redeem(metro.id, "short") == "invalid_code"
    assert redeem(other.id, code) == "linked"


def test_a_code_expires_ten_minutes_after_it_was_issued(ann, metro):
    code = issue_code(ann.id, metro.id, now=NOON)
    assert redeem(metro.id, code, now=NOON + timedelta(minutes=10)) == "expired_code"
    assert redeem(metro.id, code, now=NOON + timedelta(minutes=10) - timedelta(seconds=1)) == "linked"


def test_a_subject_linked_to_someone_else_or_a_resident_already_linked_is_already_linked(make_user, ann, metro):
    bob = make_user("bob")
    assert link_resident(ann.id, metro.id, "card-123") == "linked"
    bobs = issue_code(bob.id, metro.id)
    assert redeem(metro.id, bobs, "card-123") == "already_linked"
    assert redeem(metro.id, bobs, "card-456") == "linked"  # the refusal did not use the code up
    second = make_partner("trams", actions=("metro",)).partner
    first_code, second_code = issue_code(ann.id, second.id), issue_code(ann.id, second.id)
    assert redeem(second.id, first_code, "tram-1") == "linked"
    assert redeem(second.id, second_code, "tram-2") == "already_linked"


def test_an_already_linked_resident_cannot_issue_another_code_for_that_partner(ann, metro):
    link_resident(ann.id, metro.id)
    refused("partner_already_linked", issue_code, ann.id, metro.id)


def test_a_desk_code_records_the_operator_and_needs_one(ann, metro):
    refused("partner_operator_required", issue_code, ann.id, metro.id, method="desk")
    refused("partner_link_method_invalid", issue_code, ann.id, metro.id, method="phone")
    code = issue_code(ann.id, metro.id, method="desk", operator="Desk 3, Li Wei")
    assert redeem(metro.id, code) == "linked"
    assert views(ann.id)[0].method == "desk"
    with read_session() as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action != "partner.create")).one()
    assert audit.action == "partner.link_code_desk" and audit.after["operator"] == "Desk 3, Li Wei"


def test_a_disabled_partner_cannot_be_linked_and_is_not_offered(ann, metro):
    other = make_partner("bikes", kind="bike_share", actions=("bike",)).partner
    with write_session() as session:
        update_partner(session, actor_id=None, partner_id=other.id, status="disabled")
    refused("partner_disabled", issue_code, ann.id, other.id)
    with read_session() as session:
        assert [partner.name for partner in linkable_partners(session)] == ["metro-co"]


def test_unlinking_withdraws_consent_keeps_the_history_and_allows_a_new_link(ann, metro):
    link_resident(ann.id, metro.id, "card-123")
    withdraw(ann.id, metro.id, now=NOON + timedelta(hours=1))
    refused("partner_not_linked", withdraw, ann.id, metro.id)
    assert link_resident(ann.id, metro.id, "card-777", now=NOON + timedelta(hours=2)) == "linked"
    newest, oldest = views(ann.id)
    assert (newest.subject, newest.withdrawn_at) == ("card-777", None)
    assert (oldest.subject, oldest.withdrawn_at) == ("card-123", NOON + timedelta(hours=1))
    with read_session() as session:
        first = session.exec(select(PartnerLink).where(PartnerLink.subject == "card-123")).one()
    assert first.withdrawn_by == ann.id


def test_only_the_resident_or_an_admin_unlinks_and_an_admin_is_audited(make_user, ann, metro):
    bob, admin = make_user("bob"), make_user("root", role="admin")
    link_resident(ann.id, metro.id)
    refused("forbidden", withdraw, ann.id, metro.id, actor_id=bob.id)
    withdraw(ann.id, metro.id, actor_id=admin.id)
    with read_session() as session:
        assert session.exec(select(AuditLog.action).where(AuditLog.action != "partner.create")).all() == [
            "partner.unlink"]


def test_the_consent_history_is_plain_data_for_download_my_data(ann, metro):
    link_resident(ann.id, metro.id, "card-123", now=NOON)
    withdraw(ann.id, metro.id, now=NOON + timedelta(days=1))
    history = consent_history_of(ann.id)
    assert [item["event"] for item in history] == ["consent_given", "linked", "withdrawn"]
    assert history[0]["consent_version"] == CONSENT_VERSION and history[0]["at"] == NOON.isoformat()
    assert history[2] == {"event": "withdrawn", "at": (NOON + timedelta(days=1)).isoformat(), "partner": "metro-co",
                          "subject": "card-123", "by": "self"}
    assert json.loads(json.dumps(history)) == history


def consent_history_of(user_id: int) -> list[dict]:
    with read_session() as session:
        return consent_history(session, user_id=user_id)
