"""The events page and a community's page read their event cards for the whole list at once: six events cost the
statements one does, signed in or not, and every card still shows its own sign-ups."""
from datetime import timedelta

import pytest

from db.engine import write_session
from points.checkin import checkpoints
from points.common.clock import utcnow
from tests.support.checkin import make_checkpoint
from tests.support.statements import statements_sent

pytestmark = pytest.mark.timeout(180)
EVENTS, COMMUNITY = "pages/public/events.py", "pages/public/community.py"
ZENGCUOAN = "siming-zengcuoan"


def event(organizer_id: int, n: int) -> int:
    starts = utcnow() + timedelta(days=1 + n)
    return make_checkpoint(organizer_id, title_en=f"Clean-up {n}", community=ZENGCUOAN, starts_at=starts,
                           ends_at=starts + timedelta(hours=3))


def sign_up(user_id: int, event_id: int) -> None:
    with write_session() as session:
        checkpoints.sign_up(session, user_id=user_id, checkpoint_id=event_id)


def statements_of(app) -> int:
    with statements_sent() as sent:
        app.run()
    assert not app.exception
    return len(sent)


@pytest.mark.parametrize("path", [EVENTS, COMMUNITY])
@pytest.mark.parametrize("signed_in", [False, True])
def test_six_events_are_read_in_the_statements_of_one(make_user, open_page, path, signed_in):
    olga, ann = make_user("olga", role="organizer"), make_user("ann", district="思明", community=ZENGCUOAN)
    sign_up(ann.id, event(olga.id, 0))
    app = open_page(path, ann if signed_in else None, query={"c": ZENGCUOAN})
    one = statements_of(app)
    for n in range(1, 6):
        sign_up(ann.id, event(olga.id, n))
    six = statements_of(app)
    assert [title.value for title in app.subheader if title.value.startswith("Clean-up")] == [
        f"Clean-up {n}" for n in range(6)]
    assert [caption.value for caption in app.caption].count("Signed up: 1 / ∞") == 6
    assert six == one
