"""The check-in pages as residents, organisers and signed-out visitors see them (AppTest through app.py)."""
from datetime import timedelta

from sqlalchemy import select

from db.engine import read_session
from db.models import Checkpoint, User
from points.checkin.personal_code import issue_code, read_code
from points.checkin.tokens import poster_token
from points.common.clock import utcnow
from tests.support.checkin import load_city, make_checkpoint, organiser_form, points_of, save_form, scan

CHECKIN = "pages/public/checkin.py"


def open_trailhead(make_user):
    load_city()
    organizer = make_user("olga", role="organizer")
    now = utcnow()
    return organizer, make_checkpoint(organizer.id, kind="trailhead", starts_at=now - timedelta(hours=1),
                                      ends_at=now + timedelta(days=1))


def texts(app) -> str:
    kinds = (app.success, app.info, app.error, app.warning, app.title, app.markdown)  # the outcome panel: title, text
    return " ".join(element.value for kind in kinds for element in kind)


def test_signed_in_scan_credits_then_says_already_and_clears_the_address_bar(make_user, open_page):
    _, trail = open_trailhead(make_user)
    ann = make_user("ann")
    query = {"c": str(trail), "t": poster_token(trail)}
    app = open_page(CHECKIN, ann, query=query)
    assert "70 points credited" in texts(app) and points_of(ann.id) == 70
    assert "c" not in app.query_params and "t" not in app.query_params
    again = open_page(CHECKIN, ann, query=query)
    assert "already checked in" in texts(again) and points_of(ann.id) == 70


def test_signed_out_visitor_signs_in_and_the_same_check_in_continues(make_user, open_page):
    _, trail = open_trailhead(make_user)
    ann = make_user("ann")
    app = open_page(CHECKIN, None, query={"c": str(trail), "t": poster_token(trail)})
    assert "sign in" in texts(app).lower() and points_of(ann.id) == 0
    app.text_input(key="signin_username").input("ann")
    app.text_input(key="signin_password").input("correct-horse-9")
    app.button[0].click().run()
    assert "70 points credited" in texts(app) and points_of(ann.id) == 70


def test_a_new_volunteer_registers_and_the_same_check_in_continues(make_user, open_page):
    _, trail = open_trailhead(make_user)
    app = open_page(CHECKIN, None, query={"c": str(trail), "t": poster_token(trail)})
    app.switch_page("pages/public/register.py").run()
    for field, value in zip(app.text_input, ("newbie", "Newbie", "mangrove-walk-77", "mangrove-walk-77"), strict=False):
        field.input(value)
    next(b for b in app.button if b.label == "Create account").click().run()
    assert not app.exception
    assert "70 points credited" in texts(app)
    with read_session() as session:
        newbie = session.execute(select(User).where(User.username == "newbie")).scalar_one()
    assert points_of(newbie.id) == 70


def test_tampered_link_shows_invalid_code_and_credits_nothing(make_user, open_page):
    _, trail = open_trailhead(make_user)
    ann = make_user("ann")
    app = open_page(CHECKIN, ann, query={"c": str(trail), "t": poster_token(trail)[:-1] + "x"})
    assert "This code is not valid" in texts(app) and points_of(ann.id) == 0


def test_event_second_scan_offers_check_out(make_user, open_page):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    event = make_checkpoint(organizer.id, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(minutes=10),
                            points_per_hour=100)
    query = {"c": str(event), "t": poster_token(event)}
    scan(ann.id, event, now=now - timedelta(hours=2))
    app = open_page(CHECKIN, ann, query=query)
    assert "already checked in" in texts(app)
    [checkout] = [button for button in app.button if button.label == "Check out now"]
    checkout.click().run()
    assert "Checked out of Beach clean-up: 2.0 hours, 200 points credited." in texts(app)
    assert points_of(ann.id) == 200


def test_event_first_scan_checks_in_without_credit(make_user, open_page):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    now = utcnow()
    event = make_checkpoint(organizer.id, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    app = open_page(CHECKIN, ann, query={"c": str(event), "t": poster_token(event)})
    assert "You are checked in at Beach clean-up" in texts(app) and points_of(ann.id) == 0


def test_events_page_lists_upcoming_events_to_signed_out_visitors(make_user, open_page):
    load_city()
    organizer = make_user("olga", role="organizer")
    make_checkpoint(organizer.id, starts_at=utcnow() + timedelta(days=2), ends_at=utcnow() + timedelta(days=2, hours=3))
    app = open_page("pages/public/events.py", None)
    assert not app.exception
    assert [header.value for header in app.subheader] == ["Beach clean-up"]


def test_resident_signs_up_for_an_event(make_user, open_page):
    load_city()
    organizer, ann = make_user("olga", role="organizer"), make_user("ann")
    make_checkpoint(organizer.id, starts_at=utcnow() + timedelta(days=2), ends_at=utcnow() + timedelta(days=2, hours=3))
    app = open_page("pages/public/events.py", ann)
    [sign_up] = [button for button in app.button if button.label == "Sign up"]
    sign_up.click().run()
    assert "You are signed up." in texts(app)


def test_organiser_creates_a_draft_event(make_user, open_page):
    load_city()
    organizer = make_user("olga", role="organizer")
    app = organiser_form(open_page, organizer, title_zh="白鹭洲清洁", title_en="Bailuzhou clean-up",
                         at={"lat": 24.47605, "lon": 118.08745})
    save_form(app)
    assert not app.exception
    with read_session() as session:
        created = session.execute(select(Checkpoint)).scalar_one()
    assert (created.title_en, created.status, created.created_by) == ("Bailuzhou clean-up", "draft", organizer.id)


def test_organiser_form_refuses_a_point_outside_xiamen(make_user, open_page):
    load_city()
    organizer = make_user("olga", role="organizer")
    app = organiser_form(open_page, organizer, title_zh="清洁", title_en="Clean-up")
    save_form(app)
    assert "Choose a place or give a point in Xiamen" in texts(app)
    with read_session() as session:
        assert session.execute(select(Checkpoint)).first() is None


def test_station_attendant_credits_a_pasted_personal_code(make_user, open_page):
    load_city()
    attendant, ann = make_user("olga", role="organizer"), make_user("ann")
    app = open_page("pages/organizer/station.py", attendant)
    app.text_input[0].input(issue_code(ann.id))
    app.number_input[0].set_value(2.0)
    [credit] = [button for button in app.button if button.label == "Credit"]
    credit.click().run()
    assert "Credited 295 points" in texts(app) and points_of(ann.id) == 295


def test_the_residents_home_shows_the_personal_code_on_request(make_user, open_page):
    user = make_user("ann")
    app = open_page(None, user)
    assert not app.get("image")
    app.button(key="show_personal_code").click().run()
    assert not app.exception and len(app.get("image")) == 1


def test_station_attendant_scans_the_residents_code_with_the_camera(make_user, open_page):
    import io

    from PIL import Image

    from points.checkin.posters import qr_png

    load_city()
    attendant, ann = make_user("olga", role="organizer"), make_user("ann")
    photo = io.BytesIO()
    Image.open(io.BytesIO(qr_png(issue_code(ann.id)))).convert("RGB").save(photo, format="JPEG", quality=90)
    app = open_page("pages/organizer/station.py", attendant)
    app.camera_input[0].upload("code.jpg", photo.getvalue())
    app.run()
    assert read_code(app.text_input[0].value) == ann.id  # decoded from the photo, nothing typed
    app.number_input[0].set_value(2.0)
    [credit] = [button for button in app.button if button.label == "Credit"]
    credit.click().run()
    assert "Credited 295 points" in texts(app) and points_of(ann.id) == 295
