"""Hypothesis stateful test: whatever residents and admins do, each balance is the sum of its entries, >= 0."""
import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import Balance, LedgerEntry
from points.accounts.users import create_user
from points.claims.lifecycle import approve_claim, reject_claim
from points.common.errors import DomainError
from points.ledger.chain import post
from points.ledger.verify import verify_ledger
from tests.support.ledger import NOON, key, load, log

pytestmark = pytest.mark.timeout(600)
NAMES = itertools.count()
ACTIONS = ("metro", "walk", "paper", "clean_plate", "electricity")


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        with write_session() as session:
            batch = next(NAMES)
            self.residents = [create_user(session, username=f"res{batch}x{i}", password="correct-horse-9").id
                              for i in range(2)]
            self.admin = create_user(session, username=f"admin{batch}", password="correct-horse-9", role="admin").id
        self.claims: list[int] = []

    @rule(who=st.integers(0, 1), action=st.sampled_from(ACTIONS), quantity=st.integers(1, 12),
          days_back=st.integers(0, 3))
    def log_action(self, who, action, quantity, days_back):
        when = NOON - timedelta(days=days_back)
        result = log(self.residents[who], action, quantity, when=when, now=NOON)
        self.claims.append(result.claim.id)

    @rule(index=st.integers(0, 50), approve=st.booleans())
    def review(self, index, approve):
        if not self.claims:
            return
        claim_id = self.claims[index % len(self.claims)]
        try:
            with write_session() as session:
                if approve:
                    approve_claim(session, actor_id=self.admin, claim_id=claim_id)
                else:
                    reject_claim(session, actor_id=self.admin, claim_id=claim_id, reason="checked")
        except DomainError as error:
            assert error.code in ("claim_already_rejected", "insufficient_points")

    @rule(who=st.integers(0, 1), points=st.integers(1, 2000))
    def redeem(self, who, points):
        try:
            with write_session() as session:
                post(session, user_id=self.residents[who], kind="redeem", points=-points, idempotency_key=key(),
                     request={"redeem": points})
        except DomainError as error:
            assert error.code == "insufficient_points"

    @invariant()
    def balances_are_sums_of_entries_and_never_negative(self):
        if not hasattr(self, "residents"):
            return
        with read_session() as session:
            for user_id in self.residents:
                total = session.execute(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                        .where(LedgerEntry.user_id == user_id)).scalar_one()
                balance = session.get(Balance, user_id)
                assert balance.points == total >= 0
            assert verify_ledger(session).ok


def test_ledger_invariants_hold_through_any_sequence():
    load()
    machine = settings(max_examples=15, stateful_step_count=12, deadline=None,
                       suppress_health_check=list(HealthCheck))(LedgerMachine)
    machine.TestCase().runTest()
