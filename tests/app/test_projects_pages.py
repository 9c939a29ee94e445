"""The projects pages: everyone sees the goal and the bar; a resident gives from the page and the bar moves; an
admin creates, publishes and cancels (every gift given back); refusals are said, not raised."""
import pytest

from db.models import Project
from tests.support.ledger import balance_of, credit
from tests.support.projects import count, gift, open_project, project

PROJECTS, ADMIN_PAGE = "pages/public/projects.py", "pages/admin/projects_admin.py"
pytestmark = pytest.mark.timeout(180)


def texts(app) -> str:
    return "\n".join(str(element.value) for kind in ("subheader", "markdown", "caption", "info", "success", "error",
                                                    "warning") for element in getattr(app, kind))


def bars(app) -> list[str]:
    return [element.proto.text for element in app.get("progress")]


@pytest.fixture
def world(make_user):
    admin, rita = make_user("ada", role="admin"), make_user("rita")
    credit(rita.id, 500)
    return admin, rita, open_project(admin.id, goal=1000)


def test_a_visitor_sees_the_project_and_its_bar_but_no_form(world, open_page):
    app = open_page(PROJECTS, None)
    assert not app.exception
    assert "Mangrove planting at Xiatanwei" in texts(app)
    assert bars(app) == ["0 of 1,000 points (0 %)"]
    assert not app.get("form")


def test_a_resident_gives_and_the_bar_moves(world, open_page):
    _, rita, project_id = world
    app = open_page(PROJECTS, rita)
    app.number_input(key=f"give_points_{project_id}").set_value(150)
    next(button for button in app.button if button.label == "Give points").click().run()
    assert not app.exception
    assert "Thank you! You gave 150 points to “Mangrove planting at Xiatanwei”." in texts(app)
    assert bars(app) == ["150 of 1,000 points (15 %)"]
    assert balance_of(rita.id).points == 350 and project(project_id).raised_points == 150


def test_giving_more_than_my_balance_is_said_and_writes_nothing(world, open_page, make_user):
    _, _, project_id = world
    sam = make_user("sam")
    credit(sam.id, 100)
    app = open_page(PROJECTS, sam, lang="zh")
    app.number_input(key=f"give_points_{project_id}").set_value(150)
    next(button for button in app.button if button.label == "捐赠积分").click().run()
    assert not app.exception and app.error
    assert balance_of(sam.id).points == 100 and project(project_id).raised_points == 0


def test_an_admin_creates_publishes_and_cancels_with_every_gift_given_back(make_user, open_page):
    admin, rita = make_user("ada", role="admin"), make_user("rita")
    credit(rita.id, 500)
    app = open_page(ADMIN_PAGE, admin)
    app.text_input[0].input("步道设施改善")
    app.text_input[1].input("Trail facilities")
    app.number_input[0].set_value(2000)
    next(button for button in app.button if button.label == "Save as draft").click().run()
    assert "The project is saved as a draft. Publish it when it is ready." in texts(app)
    [publish] = [button for button in app.button if button.label == "Publish"]
    publish.click().run()
    assert "The project is published: residents can give points now." in texts(app)
    project_id = int(publish.key.split("_")[1])
    gift(rita.id, project_id, 300)
    app = open_page(ADMIN_PAGE, admin)
    app.checkbox(key=f"sure_{project_id}").check().run()
    app.button(key=f"cancel_{project_id}").click().run()
    assert "The project is cancelled; 1 gift(s) given back." in texts(app)
    assert balance_of(rita.id).points == 500 and project(project_id).status == "cancelled"


def test_an_empty_title_is_refused_on_the_form(make_user, open_page):
    app = open_page(ADMIN_PAGE, make_user("ada", role="admin"))
    next(button for button in app.button if button.label == "Save as draft").click().run()
    assert "Give the project a title in both languages." in texts(app)
    assert count(Project) == 0
