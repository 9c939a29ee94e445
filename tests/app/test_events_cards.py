"""Event cards a resident can act on: sign up (a visitor signs in first and comes back signed up), a calendar
file and directions to the point."""
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from db.engine import read_session
from points.checkin import checkpoints
from points.common.clock import utcnow
from tests.support.checkin import ZHONGSHAN_PARK, load_city, make_checkpoint

EVENTS = "pages/public/events.py"


def upcoming_event(make_user) -> int:
    load_city()
    organizer = make_user("olga", role="organizer")
    return make_checkpoint(organizer.id, starts_at=utcnow() + timedelta(days=2),
                           ends_at=utcnow() + timedelta(days=2, hours=3))


def texts(app) -> str:
    return " ".join(element.value for kind in (app.success, app.info, app.error, app.warning) for element in kind)


def signed_up(user_id: int, event_id: int) -> bool:
    with read_session() as session:
        return checkpoints.is_signed_up(session, user_id=user_id, checkpoint_id=event_id)


def test_each_card_offers_a_calendar_file_and_directions_to_its_point(make_user, open_page):
    upcoming_event(make_user)
    app = open_page(EVENTS, None, lang="zh")
    assert not app.exception
    [download] = app.get("download_button")
    assert download.proto.label == "加入我的日历"
    [link] = app.get("link_button")
    assert link.proto.label == "高德地图导航"
    url = urlparse(link.proto.url)
    query = parse_qs(url.query)
    assert url.netloc == "uri.amap.com" and query["coordinate"] == ["wgs84"]
    assert query["position"] == [f"{ZHONGSHAN_PARK['lon']:.6f},{ZHONGSHAN_PARK['lat']:.6f}"]


def test_a_visitor_signs_in_from_the_card_and_comes_back_signed_up(make_user, open_page):
    event = upcoming_event(make_user)
    ann = make_user("ann")
    app = open_page(EVENTS, None)
    [sign_up] = [button for button in app.button if button.label == "Sign in to sign up"]
    sign_up.click().run()
    assert [title.value for title in app.title] == ["Sign in"] and not signed_up(ann.id, event)
    app.switch_page("pages/public/signin.py")  # where the browser's address now is; AppTest keeps its own
    app.text_input(key="signin_username").input("ann")
    app.text_input(key="signin_password").input("correct-horse-9")
    next(button for button in app.button if button.label == "Sign in").click().run()
    assert not app.exception
    assert "Welcome back: you are signed up for the event you chose." in texts(app)
    assert [header.value for header in app.subheader] == ["Beach clean-up"]
    assert signed_up(ann.id, event)
    app.switch_page(EVENTS).run()  # opened again later: signed up once, said once
    assert "Welcome back" not in texts(app) and "You are signed up." in texts(app)
