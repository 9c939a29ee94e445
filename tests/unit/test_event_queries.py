"""Event cards read for the whole list at once (points.checkin.listings): each card's venue, sign-ups and the
reader's own sign-up are right, and the statements sent do not grow with the number of events."""
from datetime import timedelta

from db.engine import read_session, write_session
from points.checkin import checkpoints
from points.checkin.listings import upcoming_listings
from points.places.registry import load_places
from tests.support.checkin import START, make_checkpoint
from tests.support.statements import statements_sent

BEFORE = START - timedelta(days=1)


def sign_up(user_id: int, event_id: int) -> None:
    with write_session() as session:
        checkpoints.sign_up(session, user_id=user_id, checkpoint_id=event_id, now=BEFORE)


def listed(*, language: str | None = "en", viewer_id: int | None = None, community: str | None = None):
    with read_session() as session:
        return [(listing.event.id, listing.place, listing.signed, listing.mine)
                for listing in upcoming_listings(session, language=language, viewer_id=viewer_id,
                                                 community=community, now=BEFORE)]


def test_each_listing_has_its_venue_its_sign_ups_and_the_readers_own(make_user):
    with write_session() as session:
        load_places(session)
    olga = make_user("olga", role="organizer")
    ann, bob = make_user("ann"), make_user("bob")
    beach = make_checkpoint(olga.id, place_id="baicheng_beach", lat=None, lon=None)
    point = make_checkpoint(olga.id, starts_at=START + timedelta(hours=1), ends_at=START + timedelta(hours=4))
    sign_up(ann.id, beach)
    sign_up(bob.id, beach)
    sign_up(bob.id, point)
    where = "24.46163, 118.08480"  # no known place: the point's coordinates, as place_label writes them
    assert listed(viewer_id=ann.id) == [(beach, "Baicheng Beach", 2, True), (point, where, 1, False)]
    assert listed(viewer_id=bob.id, language="zh") == [(beach, "白城沙滩", 2, True), (point, where, 1, True)]
    assert listed(language=None) == [(beach, "白城沙滩 Baicheng Beach", 2, False), (point, where, 1, False)]
    with read_session() as session:  # the same wording as the one-event function
        events = checkpoints.list_upcoming(session, now=BEFORE)
        assert [checkpoints.place_label(session, checkpoint=event, language="en") for event in events] == [
            "Baicheng Beach", where]


def test_a_communitys_listing_holds_only_its_events(make_user):
    olga = make_user("olga", role="organizer")
    ours = make_checkpoint(olga.id, community="siming-zengcuoan")
    make_checkpoint(olga.id)
    assert [event_id for event_id, *_ in listed(community="siming-zengcuoan")] == [ours]
    assert listed(community="huli-gaodian") == []


def statements_for_listing(viewer_id: int | None) -> int:
    with statements_sent() as sent:
        listed(viewer_id=viewer_id)
    return len(sent)


def test_the_statements_do_not_grow_with_the_number_of_events(make_user):
    olga, ann = make_user("olga", role="organizer"), make_user("ann")
    first = make_checkpoint(olga.id)
    sign_up(ann.id, first)
    one = (statements_for_listing(None), statements_for_listing(ann.id))
    for n in range(7):
        sign_up(ann.id, make_checkpoint(olga.id, title_en=f"Clean-up {n}"))
    assert len(listed(viewer_id=ann.id)) == 8
    assert (statements_for_listing(None), statements_for_listing(ann.id)) == one == (2, 2)
