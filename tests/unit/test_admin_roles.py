"""The role matrix: every admin function refuses residents, organizers and auditors, even when called directly,
and writes nothing; auditors may read everything."""

import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import ActionType, AnomalyFlag, AuditLog, Claim, LedgerEntry, Reward, SignInThrottle, User
from points.accounts import users_admin
from points.audit.view import browse_audit
from points.catalogue import catalog_admin
from points.common.errors import DomainError
from points.ledger import adjustments, browser, export, verify
from points.reports import dashboard
from points.review import queue
from points.rewards import admin as rewards_admin
from points.rewards.redemptions import load_rewards
from tests.support.admin import pending_claim, with_catalogue
from tests.support.signin import fail_signins

REFUSED_ROLES = ("resident", "organizer", "auditor")


@pytest.fixture
def world(make_user):
    """A resident with a pending claim, an open flag, a locked account, a reward: things to be changed."""
    with_catalogue()
    with write_session() as session:
        load_rewards(session)
    resident = make_user("rita", district="思明")
    claim_id = pending_claim(resident.id)
    with write_session() as session:
        flag = AnomalyFlag(user_id=resident.id, kind="many_entries", detail="user: test")
        session.add(flag)
        session.flush()
        reward_id = session.execute(select(Reward.id).limit(1)).scalar_one()
        flag_id = flag.id
    fail_signins("rita")
    actors = {role: make_user(f"actor-{role}", role=role) for role in ("admin", *REFUSED_ROLES)}
    return dict(resident=resident, claim_id=claim_id, flag_id=flag_id, reward_id=reward_id, actors=actors)


def snapshot() -> tuple:
    """Everything an admin action could change."""
    with read_session() as session:
        def rows(query):
            return sorted(tuple(row) for row in session.execute(query).all())
        return (rows(select(LedgerEntry.id)), rows(select(AuditLog.id)), rows(select(Claim.id, Claim.status)),
                rows(select(AnomalyFlag.id, AnomalyFlag.status)),
                rows(select(User.id, User.role, User.disabled, User.failed_signins)),
                rows(select(SignInThrottle.scope, SignInThrottle.account, SignInThrottle.blocked_until)),
                rows(select(ActionType.id, ActionType.current, ActionType.factor_g)),
                rows(select(Reward.id, Reward.cost, Reward.stock, Reward.active)))


WRITES = {
    "approve": lambda s, a, w: queue.decide(s, actor_id=a, claim_id=w["claim_id"], approve=True, reason=None),
    "reject": lambda s, a, w: queue.decide(s, actor_id=a, claim_id=w["claim_id"], approve=False, reason="no"),
    "close_flag": lambda s, a, w: queue.close_flag(s, actor_id=a, flag_id=w["flag_id"], outcome="dismissed",
                                                    reason="harmless"),
    "adjust": lambda s, a, w: adjustments.adjust(s, actor_id=a, username="rita", points=100, reason="goodwill",
                                                 request_id="role-matrix"),
    "change_role": lambda s, a, w: users_admin.change_role(s, actor_id=a, user_id=w["resident"].id, role="admin"),
    "disable": lambda s, a, w: users_admin.set_disabled(s, actor_id=a, user_id=w["resident"].id, disabled=True),
    "unlock": lambda s, a, w: users_admin.unlock(s, actor_id=a, user_id=w["resident"].id),
    "edit_factor": lambda s, a, w: catalog_admin.edit_factor(s, actor_id=a, code="metro", source="new study",
                                                             factor_g=50.0),
    "update_reward": lambda s, a, w: rewards_admin.update_reward(s, actor_id=a, reward_id=w["reward_id"], cost=1,
                                                                 stock=0, active=False),
}

READS = {
    "pending_claims": lambda s, a, w: queue.pending_claims(s, actor_id=a),
    "open_flags": lambda s, a, w: queue.open_flags(s, actor_id=a),
    "browse_ledger": lambda s, a, w: browser.browse(s, actor_id=a, filters=browser.LedgerFilter()),
    "count_ledger": lambda s, a, w: browser.count(s, actor_id=a, filters=browser.LedgerFilter()),
    "export_ledger": lambda s, a, w: list(export.export_csv(s, actor_id=a, filters=browser.LedgerFilter())),
    "statement": lambda s, a, w: browser.resident_balance(s, actor_id=a, username="rita"),
    "verify": lambda s, a, w: verify.verify_integrity(s, actor_id=a),
    "dashboard": lambda s, a, w: dashboard.city_dashboard(s, actor_id=a),
    "open_data": lambda s, a, w: dashboard.open_data_csv(s, actor_id=a),
    "search_users": lambda s, a, w: users_admin.search_users(s, actor_id=a),
    "actions": lambda s, a, w: catalog_admin.list_actions(s, actor_id=a),
    "versions": lambda s, a, w: catalog_admin.action_versions(s, actor_id=a, code="metro"),
    "rewards": lambda s, a, w: rewards_admin.reward_terms(s, actor_id=a),
    "audit": lambda s, a, w: browse_audit(s, actor_id=a),
}


@pytest.mark.parametrize("name", WRITES)
def test_only_an_admin_may_change_anything(name, world):
    before = snapshot()
    for role in REFUSED_ROLES:
        with pytest.raises(DomainError) as refused, write_session() as session:
            WRITES[name](session, world["actors"][role].id, world)
        assert refused.value.code == "forbidden", (role, refused.value)
        assert snapshot() == before, role
    with write_session() as session:
        WRITES[name](session, world["actors"]["admin"].id, world)
    assert snapshot() != before, "the admin's call should have changed something"


@pytest.mark.parametrize("name", READS)
def test_residents_and_organizers_read_nothing_auditors_read_everything(name, world):
    for role in ("resident", "organizer"):
        with pytest.raises(DomainError, match="forbidden"), read_session() as session:
            READS[name](session, world["actors"][role].id, world)
    for role in ("auditor", "admin"):
        with read_session() as session:
            READS[name](session, world["actors"][role].id, world)
