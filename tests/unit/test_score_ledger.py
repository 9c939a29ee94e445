"""The score read from the ledger: recomputable for past dates, penalised by rejections, cleared by appeals;
and the credit feed the city's credit system reads."""
import csv
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import read_session, write_session
from db.models import Balance
from manage import main as manage
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import record_verified, reject_claim, submit_claim
from points.common.errors import DomainError
from points.score.appeals import decide_appeal, file_appeal
from points.score.facts import score_at
from points.score.rules import load_rules

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
PENALTY = load_rules()["components"]["penalty"]["per_case"]


@pytest.fixture(autouse=True)
def catalogue():
    with write_session() as session:
        load_catalogue(session)


def log(user_id: int, code: str = "metro", quantity: float = 10, *, when: datetime = NOW, verified=False) -> int:
    with write_session() as session:
        action = record_verified if verified else submit_claim
        return action(session, user_id=user_id, action_code=code, quantity=quantity, occurred_at=when,
                      idempotency_key=f"claim:{uuid.uuid4()}", now=when).claim.id


def balance_points(user_id: int) -> int:
    with read_session() as session:
        return session.get(Balance, user_id).points


def score(user_id: int, when: datetime = NOW):
    with read_session() as session:
        return score_at(session, user_id=user_id, now=when)


def test_the_score_for_a_past_date_is_what_it_was_on_that_date(make_user):
    user = make_user("sam")
    log(user.id, when=NOW - timedelta(days=20))
    before = score(user.id, NOW - timedelta(days=10))
    log(user.id, "volunteer", 3, when=NOW - timedelta(days=5), verified=True)
    assert score(user.id, NOW - timedelta(days=10)) == before
    later = score(user.id)
    assert later.total > before.total
    assert later.components["volunteer"].measure["hours"] == 3.0
    assert later.components["verified"].measure == {"verified": 1, "total": 2}


def test_a_rejected_claim_costs_a_penalty_once_and_an_upheld_appeal_clears_it(make_user):
    user, admin = make_user("sam"), make_user("ada", role="admin")
    log(user.id, "bike", 5, when=NOW - timedelta(days=3))
    claim_id = log(user.id, when=NOW - timedelta(days=2))
    clean = score(user.id, NOW - timedelta(days=1, hours=12))
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=claim_id, reason="no ticket", now=NOW - timedelta(days=1))
    penalised = score(user.id)
    assert penalised.components["penalty"].points == -PENALTY
    assert penalised.components["penalty"].measure["cases"] == 1
    assert penalised.total < clean.total
    with write_session() as session:
        appeal = file_appeal(session, user_id=user.id, claim_id=claim_id, note="I have the ticket")
    with write_session() as session:
        decide_appeal(session, actor_id=admin.id, appeal_id=appeal.id, uphold=True, reason="ticket checked",
                      now=NOW - timedelta(hours=1))
    assert score(user.id).components["penalty"].points == 0
    assert score(user.id, NOW - timedelta(hours=2)).components["penalty"].points == -PENALTY


def test_only_my_rejected_claims_can_be_appealed_and_only_admins_decide_with_a_reason(make_user):
    user, other, admin = make_user("sam"), make_user("otto"), make_user("ada", role="admin")
    credited = log(user.id)
    with pytest.raises(DomainError) as refused, write_session() as session:
        file_appeal(session, user_id=user.id, claim_id=credited, note="please")
    assert refused.value.code == "appeal_target_invalid"
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=credited, reason="duplicate")
    with pytest.raises(DomainError) as refused, write_session() as session:
        file_appeal(session, user_id=other.id, claim_id=credited, note="not mine")
    assert refused.value.code == "appeal_target_invalid"
    with write_session() as session:
        appeal_id = file_appeal(session, user_id=user.id, claim_id=credited, note="it was not").id
    with pytest.raises(DomainError) as refused, write_session() as session:
        file_appeal(session, user_id=user.id, claim_id=credited, note="again")
    assert refused.value.code == "appeal_already_open"
    for actor, reason, code in ((user.id, "mine", "forbidden"), (admin.id, " ", "reason_required")):
        with pytest.raises(DomainError) as refused, write_session() as session:
            decide_appeal(session, actor_id=actor, appeal_id=appeal_id, uphold=True, reason=reason)
        assert refused.value.code == code


def test_the_credit_feed_writes_each_residents_score_as_csv_or_json(make_user, tmp_path):
    user = make_user("sam")
    make_user("ada", role="admin")
    log(user.id, when=datetime.now(UTC))
    assert manage(["credit-feed", "--out", str(tmp_path / "feed.csv")]) == 0
    assert manage(["credit-feed", "--out", str(tmp_path / "feed.json")]) == 0
    rows = list(csv.DictReader((tmp_path / "feed.csv").open(encoding="utf-8")))
    records = json.loads((tmp_path / "feed.json").read_text(encoding="utf-8"))
    assert [row["username"] for row in rows] == ["sam"] and [r["username"] for r in records] == ["sam"]
    expected = score(user.id, datetime.now(UTC))
    assert int(rows[0]["score"]) == records[0]["score"] == expected.total
    assert rows[0]["tier"] == expected.tier["code"] and int(rows[0]["carbon"]) == expected.components["carbon"].points


def test_the_credit_feed_refuses_an_unknown_format(tmp_path, capsys):
    assert manage(["credit-feed", "--out", str(tmp_path / "feed.xml")]) == 1
    assert "feed_format_invalid" in capsys.readouterr().err
    assert not (tmp_path / "feed.xml").exists()


def test_an_upheld_appeal_gives_the_points_back_through_new_entries(make_user):
    from points.ledger.verify import verify_ledger

    user, admin = make_user("sam"), make_user("ada", role="admin")
    credited = log(user.id, when=NOW - timedelta(days=2))
    pending = log(user.id, "electricity", 3, when=NOW - timedelta(days=2))  # reviewed: not credited yet
    earned = balance_points(user.id)
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=credited, reason="no ticket")
        reject_claim(session, actor_id=admin.id, claim_id=pending, reason="no bill")
    assert balance_points(user.id) < earned
    for claim_id in (credited, pending):
        with write_session() as session:
            appeal = file_appeal(session, user_id=user.id, claim_id=claim_id, note="here is the proof")
        with write_session() as session:
            decide_appeal(session, actor_id=admin.id, appeal_id=appeal.id, uphold=True, reason="proof checked")
    assert balance_points(user.id) == earned + 1227
    with read_session() as session:
        assert verify_ledger(session).ok
