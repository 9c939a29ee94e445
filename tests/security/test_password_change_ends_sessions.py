"""Medium: changing the password signs out every other browser of the user; the one that changed it stays in."""
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import SignInSession
from points.accounts import signin
from tests.conftest import APP_FILE

OLD, NEW = "correct-horse-9", "heron-at-low-tide"


def _sessions(user, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        with write_session() as session:
            token, _handoff = signin.start_session(session, user_id=user.id)
        ids.append(signin.session_id_for_token(token))
    return ids


def _still_signed_in(session_ids: list[str]) -> list[bool]:
    with read_session() as session:
        return [signin.user_for_session(session, session_id=sid, touch=False) is not None for sid in session_ids]


def _account_page(user, session_id: str) -> AppTest:
    """The account page in the browser whose sign-in session is `session_id`."""
    app = AppTest.from_file(APP_FILE, default_timeout=60)
    app.session_state["lang"], app.session_state["sid"] = "en", session_id
    app.run()
    app.switch_page("pages/resident/account.py")
    return app.run()


def test_changing_the_password_signs_out_the_other_browsers_only(make_user):
    ann, other = make_user("ann"), make_user("ben")
    here, *elsewhere = _sessions(ann, 3)
    bystander = _sessions(other, 1)
    app = _account_page(ann, here)
    for field, value in zip(app.text_input, (OLD, NEW, NEW), strict=False):
        field.input(value)
    next(b for b in app.button if b.label == "Change password").click()
    app.run()
    assert [s.value for s in app.success] == [
        "Password changed. Every other browser signed in to your account has been signed out."]
    assert _still_signed_in([here, *elsewhere, *bystander]) == [True, False, False, True]
    app.run()
    assert app.session_state["user_id"] == ann.id
    assert any("Signed in as Ann" in caption.value for caption in app.sidebar.caption)
    with read_session() as session:
        ended = session.get(SignInSession, elsewhere[0]).ended_at
    assert ended is not None


def test_a_wrong_current_password_ends_nothing(make_user):
    ann = make_user("ann")
    here, elsewhere = _sessions(ann, 2)
    app = _account_page(ann, here)
    for field, value in zip(app.text_input, ("not-my-password", NEW, NEW), strict=False):
        field.input(value)
    next(b for b in app.button if b.label == "Change password").click()
    app.run()
    assert app.error and not app.success
    assert _still_signed_in([here, elsewhere]) == [True, True]
