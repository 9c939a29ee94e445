"""The organiser's form: its defaults save as shown, and a refusal shows right under the field it is about."""
from datetime import timedelta

from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import Checkpoint
from points.common.clock import utcnow
from points.places.registry import list_places, load_places, position
from tests.support.checkin import load_city

ORGANIZE = "pages/organizer/organize.py"


def city_with_places() -> None:
    load_city()
    with write_session() as session:
        load_places(session)


def in_order(node) -> list:
    """The elements under a block in the order they are drawn, blocks opened."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [element for _, child in sorted(children.items()) for element in in_order(child)]


def blocks(node) -> list:
    children = getattr(node, "children", None) or {}
    return [node] + [block for _, child in sorted(children.items()) for block in blocks(child)]


def form_elements(app) -> list:
    [form] = [block for block in blocks(app.main) if getattr(block, "type", None) == "form"]
    return in_order(form)


def saved() -> list[Checkpoint]:
    with read_session() as session:
        return list(session.execute(select(Checkpoint)).scalars())


def save(app, label: str = "Save") -> None:
    next(button for button in app.button if button.label == label).click().run()


def label_before_error(app) -> str:
    """The label of the field drawn just above the form's error message."""
    elements = form_elements(app)
    [where] = [n for n, element in enumerate(elements) if element.type == "error"]
    return next(element.label for element in reversed(elements[:where]) if hasattr(element, "label"))


def test_the_untouched_form_saves_a_draft_at_the_first_place_tomorrow(make_user, open_page):
    city_with_places()
    organizer = make_user("olga", role="organizer")
    app = open_page(ORGANIZE, organizer, lang="zh")
    save(app, "保存")
    assert not app.exception and not app.error
    [draft] = saved()
    with read_session() as session:
        first = next(place for place in list_places(session) if position(place))
    assert (draft.status, draft.place_id, (draft.lat, draft.lon)) == ("draft", first.id, position(first))
    assert draft.title_zh.startswith("绿色行动 · ") and draft.title_en.startswith("Green action, ")
    assert draft.ends_at - draft.starts_at == timedelta(hours=3) and draft.starts_at > utcnow()


def test_blank_titles_are_refused_right_under_the_titles(make_user, open_page):
    city_with_places()
    organizer = make_user("olga", role="organizer")
    app = open_page(ORGANIZE, organizer)
    app.text_input[0].input("")
    save(app)
    assert [error.value for error in app.error] == ["Both titles are required, up to 120 characters."]
    assert label_before_error(app) == "Title (English)"
    assert saved() == []


def test_a_point_outside_xiamen_is_refused_right_under_the_coordinates(make_user, open_page):
    city_with_places()
    organizer = make_user("olga", role="organizer")
    app = open_page(ORGANIZE, organizer, lang="zh")
    app.number_input[0].set_value(31.23)
    app.number_input[1].set_value(121.47)  # Shanghai
    save(app, "保存")
    assert [error.value for error in app.error] == [
        "请选择地点或填写厦门范围内的坐标（纬度 24.2–24.95，经度 117.8–118.5）。"]
    assert label_before_error(app) == "经度"
    assert saved() == []


def test_a_saved_draft_opens_where_it_can_be_published(make_user, open_page):
    city_with_places()
    organizer = make_user("olga", role="organizer")
    app = open_page(ORGANIZE, organizer, lang="zh")
    save(app, "保存")
    [draft] = saved()
    assert app.selectbox[0].value == draft.id
    next(button for button in app.button if button.label == "发布").click().run()
    assert [checkpoint.status for checkpoint in saved()] == ["published"]
    assert app.selectbox[0].value == draft.id  # still open after publishing, where its posters are
