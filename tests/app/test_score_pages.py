"""The score, rewards, leaderboard, privacy and appeals pages as a resident and an admin use them."""
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import Appeal, Balance, Redemption, User
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import reject_claim, submit_claim
from points.rewards.redemptions import load_rewards
from tests.support.ledger import credit

SCORE, REWARDS, BOARD = "pages/resident/score.py", "pages/resident/rewards.py", "pages/resident/leaderboard.py"
ACCOUNT, APPEALS = "pages/resident/account.py", "pages/admin/appeals.py"


@pytest.fixture(autouse=True)
def city():
    with write_session() as session:
        load_catalogue(session)
        load_rewards(session)


def log(user, code: str = "metro", quantity: float = 10, note: str | None = None) -> int:
    now = datetime.now(UTC)
    with write_session() as session:
        return submit_claim(session, user_id=user.id, action_code=code, quantity=quantity, occurred_at=now,
                            idempotency_key=f"claim:{uuid.uuid4()}", note=note, now=now).claim.id


def texts(app) -> str:
    return "\n".join(str(element.value) for kind in ("markdown", "caption", "info", "success", "error", "text",
                                                    "warning") for element in getattr(app, kind))


def test_the_score_page_shows_score_tier_explanations_and_what_would_raise_it(make_user, open_page):
    user = make_user("sam")
    log(user)
    app = open_page(SCORE, user)
    assert not app.exception
    assert [metric.label for metric in app.metric] == ["Score", "Tier"]
    assert int(app.metric[0].value) > 500 and "Fair" in app.metric[1].value
    assert "Good (良好)" in texts(app) and "600" in texts(app)  # the advice itself: tests/app/test_score_advice.py
    table = app.dataframe[0].value.to_string()
    assert "233 g CO₂e avoided in the last 12 months" in table and "Try a kind you have not done yet" in table


def test_a_rejected_claim_can_be_appealed_from_the_score_page(make_user, open_page):
    user, admin = make_user("sam"), make_user("ada", role="admin")
    claim_id = log(user)
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=claim_id, reason="no ticket")
    app = open_page(SCORE, user)
    assert app.selectbox[0].value.startswith(f"Rejected claim #{claim_id} (metro")
    app.text_area[0].input("I have the metro receipt")
    app.button[0].click().run()
    assert "Your appeal was sent" in texts(app)
    assert "waiting for a decision" in texts(app)
    with read_session() as session:
        appeal = session.execute(select(Appeal)).scalar_one()
    assert (appeal.claim_id, appeal.note) == (claim_id, "I have the metro receipt")


def test_redeeming_asks_for_confirmation_then_shows_the_code_and_the_lower_balance(make_user, open_page):
    user = make_user("sam")
    credit(user.id, 2500)
    app = open_page(REWARDS, user)
    assert app.metric[0].value == "2,500"
    app.button(key="redeem_bus_ride").click().run()
    assert "Spend 1,000 points on “City bus ride”? Your balance will be 1,500." in texts(app)
    with read_session() as session:
        assert session.execute(select(Redemption)).first() is None
    app.button(key="yes_bus_ride").click().run()
    assert app.metric[0].value == "1,500"
    with read_session() as session:
        code = session.execute(select(Redemption.code)).scalar_one()
    assert f"Your code: {code}" in texts(app)


def test_a_reward_above_my_tier_shows_a_clear_message_and_spends_nothing(make_user, open_page):
    user = make_user("sam")
    credit(user.id, 9000)
    app = open_page(REWARDS, user)
    app.button(key="redeem_park_cafe_voucher").click().run()
    app.button(key="yes_park_cafe_voucher").click().run()
    assert "needs a higher green credit tier" in texts(app)
    with read_session() as session:
        assert session.get(Balance, user.id).points == 9000


def test_cancelling_a_code_needs_the_tick_and_refunds_once(make_user, open_page):
    user = make_user("sam")
    credit(user.id, 1000)
    app = open_page(REWARDS, user)
    app.button(key="redeem_donate_tree").click().run()
    app.button(key="yes_donate_tree").click().run()
    assert app.metric[0].value == "0"
    redemption_id = 1
    assert app.button(key=f"cancel_{redemption_id}").disabled
    app.checkbox(key=f"sure_{redemption_id}").check().run()
    app.button(key=f"cancel_{redemption_id}").click().run()
    assert "1,000 points are back" in texts(app) and app.metric[0].value == "1,000"


def test_the_leaderboard_lists_opted_in_nicknames_only_and_my_neighbours(make_user, open_page):
    me = make_user("sam", leaderboard_opt_in=True, nickname="Sandpiper", district="思明")
    hidden = make_user("hugo")
    credit(me.id, 300)
    credit(hidden.id, 900)
    for index in range(4):
        other = make_user(f"user{index}", leaderboard_opt_in=True, nickname=f"Heron {index}", district="湖里")
        credit(other.id, 100 * (index + 1) + 50)
    app = open_page(BOARD, me)
    top = app.dataframe[0].value
    assert list(top["Nickname"]) == ["Heron 3", "Heron 2", "Sandpiper (you)", "Heron 1", "Heron 0"]
    assert "Hugo" not in top.to_string() and "hugo" not in top.to_string()
    assert list(app.dataframe[1].value["Rank"]) == [1, 2, 3, 4, 5]
    app.selectbox(key="board_district").select("思明").run()
    assert list(app.dataframe[0].value["Nickname"]) == ["Sandpiper (you)"]
    assert "First green action" in texts(app)


def test_the_account_page_lets_me_join_the_board_and_delete_my_account(make_user, open_page):
    user = make_user("sam")
    app = open_page(ACCOUNT, user)
    assert any(button.label == "Download my data" for button in app.get("download_button"))
    form_opt_in = next(box for box in app.checkbox if box.label == "Show me on the leaderboards")
    form_opt_in.check()
    next(field for field in app.text_input if field.label.startswith("Nickname")).input("Sandpiper")
    next(button for button in app.button if button.label == "Save").click().run()
    assert "Saved." in texts(app)
    next(field for field in app.text_input if field.label == "Your password, to confirm").input("correct-horse-9")
    next(button for button in app.button if button.label == "Delete my account for good").click().run()
    assert "Please tick the box to confirm." in texts(app)
    next(box for box in app.checkbox if box.label.startswith("I understand")).check()
    next(field for field in app.text_input if field.label == "Your password, to confirm").input("correct-horse-9")
    next(button for button in app.button if button.label == "Delete my account for good").click().run()
    with read_session() as session:
        row = session.get(User, user.id)
    assert row.deleted_at is not None and row.username != "sam"
    assert "user_id" not in app.session_state


def test_an_admin_decides_an_appeal_with_a_reason_and_an_auditor_only_reads(make_user, open_page):
    user, admin, auditor = make_user("sam"), make_user("ada", role="admin"), make_user("aud", role="auditor")
    claim_id = log(user)
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=claim_id, reason="no ticket")
        session.add(Appeal(user_id=user.id, claim_id=claim_id, note="I had a ticket", created_at=datetime.now(UTC)))
    reader = open_page(APPEALS, auditor)
    assert "cannot decide" in texts(reader) and not [b for b in reader.button if b.label == "Uphold"]
    app = open_page(APPEALS, admin)
    assert "I had a ticket" in texts(app)
    app.button(key="uphold_1").click().run()
    assert "Please give a reason." in texts(app)
    app.text_input(key="reason_1").input("Ticket photo checked")
    app.button(key="uphold_1").click().run()
    assert "Decided: upheld." in texts(app)
    with read_session() as session:
        appeal = session.get(Appeal, 1)
    assert (appeal.status, appeal.decision_reason, appeal.decided_by) == ("upheld", "Ticket photo checked", admin.id)
