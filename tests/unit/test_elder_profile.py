"""The elder-mode preference (适老化) lives on the user's row: off for a new account, saved and read back."""
from db.engine import read_session, write_session
from db.models import User
from points.accounts.users import update_profile


def elder_mode(user_id: int) -> bool:
    with read_session() as session:
        return session.get(User, user_id).elder_mode


def test_a_new_account_starts_without_elder_mode(make_user):
    assert elder_mode(make_user("ann").id) is False


def test_elder_mode_is_saved_and_read_back(make_user):
    ann = make_user("ann")
    with write_session() as session:
        update_profile(session, user_id=ann.id, elder_mode=True)
    assert elder_mode(ann.id) is True
    with write_session() as session:
        update_profile(session, user_id=ann.id, elder_mode=False)
    assert elder_mode(ann.id) is False


def test_other_profile_changes_leave_elder_mode_alone(make_user):
    ann = make_user("ann")
    with write_session() as session:
        update_profile(session, user_id=ann.id, elder_mode=True)
    with write_session() as session:
        update_profile(session, user_id=ann.id, language="en", display_name="Ann L.")
    assert elder_mode(ann.id) is True
