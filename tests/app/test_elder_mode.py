"""Elder mode (适老化) as the portal draws it: a switch on every page, remembered per user or per visit, and the
resident's home with its two actions at the top and, in elder mode, little else."""
import pytest

from db.engine import read_session, write_session
from db.models import User
from points.accounts.users import update_profile
from points.ledger.chain import post
from ui.elder import PICKER, STYLE

SWITCH = "Care mode: large text, high contrast"


def saved(user) -> bool:
    with read_session() as session:
        return session.get(User, user.id).elder_mode


def switch(app):
    return app.sidebar.toggle(key=PICKER)


def styled(app) -> bool:
    """Whether the elder style sheet was injected in this run."""
    return any(STYLE.read_text() in element.proto.body for element in app.get("html"))


def kinds(app) -> list[str]:
    """The main area's elements in the order drawn, layout blocks left out."""
    return [node.type for node in app.main if node.type not in ("main", "flex_container", "column")]


def turn_on(app) -> None:
    switch(app).set_value(True).run()


@pytest.mark.parametrize("path", ["pages/public/signin.py", "pages/public/landing.py", "pages/public/events.py"])
def test_a_visitor_finds_the_switch_and_it_styles_the_page(path, open_page):
    app = open_page(path)
    assert switch(app).label == SWITCH and not styled(app)
    turn_on(app)
    assert not app.exception and styled(app)
    assert app.query_params["elder"] == "1"  # the address now opens in elder mode: a bookmark keeps it


def test_the_switch_is_on_every_signed_in_page(make_user, open_page):
    user = make_user("ann")
    for path in ("pages/resident/home.py", "pages/resident/log.py", "pages/resident/ledger.py",
                 "pages/resident/account.py"):
        assert switch(open_page(path, user)).label == SWITCH


def test_a_link_with_elder_1_opens_in_elder_mode_and_elder_0_leaves_it(open_page):
    app = open_page("pages/public/signin.py", query={"elder": "1"})
    assert switch(app).value and styled(app)
    app.query_params["elder"] = "0"
    app.run()
    assert not switch(app).value and not styled(app)


def test_a_signed_in_choice_is_saved_and_a_new_session_opens_with_it(make_user, open_page):
    user = make_user("ann")
    app = open_page("pages/resident/home.py", user)
    assert not saved(user)
    turn_on(app)
    assert saved(user)
    again = open_page("pages/resident/home.py", user)  # another phone, or after signing out and in again
    assert switch(again).value and styled(again)
    switch(again).set_value(False).run()
    assert not saved(user) and not styled(again)


def test_a_visitors_choice_follows_them_into_their_account(make_user, open_page):
    user = make_user("ann")
    app = open_page("pages/public/signin.py", query={"elder": "1"})
    app.session_state["user_id"] = user.id  # signed in within the same browser session
    app.run()
    assert saved(user) and styled(app)


def test_home_puts_logging_and_the_personal_code_first(make_user, open_page):
    app = open_page("pages/resident/home.py", make_user("ann"))
    assert kinds(app)[:3] == ["title", "button", "button"]
    assert [button.label for button in app.main.button[:2]] == ["Log a green action", "Show my code"]
    app.main.button[1].click().run()
    assert len(app.get("image")) == 1 and "Show this code" in " ".join(c.value for c in app.caption)
    app.main.button[0].click().run()
    assert not app.exception and app.title[0].value == "Log a green action"  # one tap: on the log page


def test_home_in_elder_mode_is_the_balance_and_the_two_actions(make_user, open_page):
    user = make_user("ann")
    with write_session() as session:
        update_profile(session, user_id=user.id, elder_mode=True)
    app = open_page("pages/resident/home.py", user)
    assert kinds(app) == ["title", "button", "button", "metric"]
    assert app.metric[0].label == "Points balance"


def test_home_chart_has_a_sentence_and_a_table(make_user, open_page):
    user = make_user("ann")
    with write_session() as session:
        post(session, user_id=user.id, kind="earn", points=120, idempotency_key="elder-chart", request={})
    app = open_page("pages/resident/home.py", user)
    summary = [c.value for c in app.caption if c.value.startswith("Points earned in the last 30 days")]
    assert len(summary) == 1 and ": 120, on 1 of the 30 days" in summary[0]
    assert app.expander[0].label == "Data as a table" and app.table
