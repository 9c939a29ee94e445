"""Download my data holds the partner consent history (given online or at a desk, linked, withdrawn) and what
partners sent; deleting the account withdraws every link, so nothing more is credited and the card is free."""
from datetime import timedelta

import pytest

from db.engine import read_session, write_session
from points.accounts.privacy import delete_my_account, export_my_data
from points.partners.links import unlink
from tests.support.ledger import NOON, load
from tests.support.partners import event, issue_code, link_resident, make_partner, redeem, send
from tests.unit.test_privacy import PASSWORD, read_zip

LATER = NOON + timedelta(hours=2)


@pytest.fixture
def metro():
    load()
    return make_partner("metro-co").partner.id


def exported(user_id: int) -> dict[str, list[dict]]:
    with read_session() as session:
        return read_zip(export_my_data(session, user_id=user_id))


def test_the_export_lists_every_consent_given_link_and_withdrawal_oldest_first(make_user, metro):
    rita = make_user("rita")
    issue_code(rita.id, metro, now=NOON - timedelta(hours=1))  # never used: still a consent given
    assert link_resident(rita.id, metro, "card-123", now=NOON) == "linked"
    with write_session() as session:
        unlink(session, user_id=rita.id, partner_id=metro, actor_id=rita.id, now=LATER)
    rows = exported(rita.id)["partner_consents.csv"]
    assert [(row["event"], row["partner"], row["method"]) for row in rows] == [
        ("consent_given", "metro-co", "portal"), ("consent_given", "metro-co", "portal"),
        ("linked", "metro-co", "portal"), ("withdrawn", "metro-co", "")]
    assert rows[0]["code_used_at"] == "" and rows[1]["code_used_at"] == NOON.isoformat()
    assert rows[2]["subject"] == "card-123" and rows[2]["consent_version"] == "2026-12"
    assert rows[3]["at"] == LATER.isoformat() and rows[3]["by"] == "self"


def test_consent_given_in_person_names_the_desk_operator(make_user, metro):
    rita = make_user("rita")
    assert redeem(metro, issue_code(rita.id, metro, method="desk", operator="Desk 3 Lin")) == "linked"
    rows = exported(rita.id)["partner_consents.csv"]
    assert [(row["event"], row["method"], row["operator"]) for row in rows] == [
        ("consent_given", "desk", "Desk 3 Lin"), ("linked", "desk", "")]


def test_the_export_holds_what_partners_sent_and_the_claims_say_their_source(make_user, metro):
    rita, other = make_user("rita"), make_user("sam")
    link_resident(rita.id, metro, now=NOON)
    send(metro, event("trip-77", occurred_at=NOON - timedelta(hours=1)), now=NOON)
    files = exported(rita.id)
    assert [(row["external_id"], row["outcome"], row["points"]) for row in files["partner_events.csv"]] == [
        ("trip-77", "credited", "467")]
    assert [(row["source"], row["partner_id"]) for row in files["claims.csv"]] == [("partner", str(metro))]
    others = exported(other.id)
    assert others["partner_consents.csv"] == [] and others["partner_events.csv"] == []


def test_deleting_the_account_withdraws_its_links(make_user, metro):
    rita = make_user("rita")
    link_resident(rita.id, metro, "card-123", now=NOON)
    delete_my_account(user_id=rita.id, password=PASSWORD, now=LATER)
    [outcome] = send(metro, event("after-delete", occurred_at=LATER), now=LATER)
    assert outcome.outcome == "not_linked"
    sam = make_user("sam")
    assert link_resident(sam.id, metro, "card-123", now=LATER) == "linked"  # the card is free for its new owner
