"""Catalogue management: a factor change cites a source and adds a version; reward terms are checked."""
import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import ActionType, Reward
from points.catalogue.catalog_admin import edit_factor
from points.common.errors import DomainError
from points.rewards.admin import update_reward
from points.rewards.redemptions import load_rewards
from tests.support.admin import row_counts, with_catalogue


@pytest.fixture
def admin(make_user):
    with_catalogue()
    with write_session() as session:
        load_rewards(session)
    return make_user("boss", role="admin")


def test_a_factor_without_a_source_is_refused_and_nothing_changes(admin):
    before = row_counts()
    with pytest.raises(DomainError, match="admin_source_required"), write_session() as session:
        edit_factor(session, actor_id=admin.id, code="paper", source="   ", factor_g=300.0)
    assert row_counts() == before
    with write_session() as session:
        edit_factor(session, actor_id=admin.id, code="paper", source="Xiamen 2026 study", factor_g=300.0)
    with read_session() as session:
        rows = session.execute(select(ActionType.version, ActionType.current, ActionType.factor_g, ActionType.source)
                               .where(ActionType.code == "paper").order_by(ActionType.version)).all()
    assert [tuple(row)[:3] for row in rows] == [(1, False, 295.0), (2, False, 295.0), (3, True, 300.0)]
    assert rows[2].source == "Xiamen 2026 study"


def test_reward_terms_are_checked_and_saved(admin):
    with read_session() as session:
        reward = session.execute(select(Reward).order_by(Reward.id).limit(1)).scalar_one()
    for cost, stock in ((0, 5), (10, -1)):
        with pytest.raises(DomainError, match="admin_reward_invalid"), write_session() as session:
            update_reward(session, actor_id=admin.id, reward_id=reward.id, cost=cost, stock=stock, active=True)
    with write_session() as session:
        update_reward(session, actor_id=admin.id, reward_id=reward.id, cost=999, stock=None, active=False)
    with read_session() as session:
        saved = session.get(Reward, reward.id)
    assert (saved.cost, saved.stock, saved.active) == (999, None, False)
