"""Claims under real concurrency: separate processes released together, on SQLite and PostgreSQL."""
import pytest

from db.engine import write_session
from points.claims.lifecycle import submit_claim
from tests.support.ledger import NOON, balance_of, entries_of, load
from tests.support.race import run_together

WRITERS = 16
pytestmark = pytest.mark.timeout(300)


def submit(user_id: int, quantity: float, key: str) -> tuple[int, float]:
    with write_session() as session:
        result = submit_claim(session, user_id=user_id, action_code="walk", quantity=quantity, occurred_at=NOON,
                              idempotency_key=key, now=NOON)
        return result.points, result.credited_quantity


def test_sixteen_submissions_with_one_key_write_one_entry(make_user, database):
    load()
    user = make_user("ann")
    outcomes = run_together(submit, [(user.id, 5.0, "claim:same")] * WRITERS, database)
    assert [status for status, _ in outcomes] == ["ok"] * WRITERS, outcomes
    assert {value for _, value in outcomes} == {(175, 5.0)}  # self-reported: half of 70 g/km
    assert len(entries_of(user.id)) == 1 and balance_of(user.id).points == 175


def test_sixteen_submissions_at_cap_minus_one_never_exceed_the_cap(make_user, database):
    load()
    user = make_user("ann")
    submit(user.id, 3.0, "claim:first")
    submit(user.id, 1.0, "claim:second")  # 4 of the 5 km self-report cap used
    outcomes = run_together(submit, [(user.id, 1.0, f"claim:{i}") for i in range(WRITERS)], database)
    assert [status for status, _ in outcomes] == ["ok"] * WRITERS, outcomes
    assert sorted(value for _, value in outcomes) == [(0, 0.0)] * (WRITERS - 1) + [(35, 1.0)]
    assert balance_of(user.id).points == 175 and len(entries_of(user.id)) == 3
