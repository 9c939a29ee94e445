"""The report page, the triage page and the map's reports layer as residents, admins, auditors and visitors
see them (AppTest; the map itself is tested as HTML: st_folium is an unknown element to AppTest)."""
import json

import pytest
from PIL import Image
from sqlalchemy.orm import undefer
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import ProblemReport, ProblemStep, ProblemSupport
from points.problems import filing
from points.problems.views import public_pins
from tests.support.admin import with_catalogue
from tests.support.images import jpeg
from tests.support.problems import BEACH, balance, counts, file, north_of, report, step
from ui.i18n import catalogue
from ui.map import build_map

REPORT, TRIAGE, MAP = "pages/resident/report.py", "pages/admin/report_triage.py", "pages/public/map.py"


@pytest.fixture(autouse=True)
def city():
    with_catalogue()


def shown(app) -> str:
    return "\n".join(str(element.value) for kind in ("markdown", "caption", "info", "success", "error", "warning",
                                                    "text") for element in getattr(app, kind))


def at_spot(open_page, user, spot=BEACH, lang: str = "en"):
    """The report page with a spot pinned, as a tap on the map leaves it."""
    app = open_page(REPORT, user, lang=lang)
    app.session_state["problem_spot"] = spot
    app.run()
    return app


def test_without_a_pinned_spot_the_report_is_refused_and_nothing_is_written(make_user, open_page):
    app = open_page(REPORT, make_user("rita"))
    assert not app.exception and "No spot pinned yet" in shown(app)
    before = counts()
    app.button[0].click().run()  # the form's "Send report"
    assert "Please pin the spot on the map first." in shown(app)
    assert counts() == before


def test_a_resident_reports_litter_with_a_photo_and_follows_it(make_user, open_page):
    rita = make_user("rita")
    app = at_spot(open_page, rita)
    assert "Spot pinned: 24.43340, 118.10950" in shown(app)
    app.selectbox(key="problem_kind").set_value("marine_litter")
    app.file_uploader(key="problem_photo").set_value(("beach.jpg", jpeg(Image.new("RGB", (80, 60))), "image/jpeg"))
    app.text_area(key="problem_note").input("Nets and bottles at the tide line")
    app.button[0].click().run()
    assert not app.exception
    with read_session() as session:
        filed = session.exec(select(ProblemReport).options(undefer(ProblemReport.photo))).one()  # type: ignore[arg-type]
    assert "report #1 was sent" in shown(app)
    assert (filed.kind, filed.note, filed.photo[:2]) == ("marine_litter", "Nets and bottles at the tide line",
                                                         b"\xff\xd8")
    assert app.expander[0].label.startswith("#1 · Beach or marine litter · New")


def test_a_second_resident_near_it_is_offered_the_same_report_and_joins(make_user, open_page):
    rita, sam = make_user("rita"), make_user("sam")
    report_id = file(rita.id)
    app = at_spot(open_page, sam, north_of(BEACH, 30))
    assert "Same problem?" in [header.value for header in app.subheader]
    assert f"Report #{report_id} · Beach or marine litter · New · 30 m away" in shown(app)
    app.button(key=f"join_{report_id}").click().run()
    assert f"You were added to report #{report_id}" in shown(app)
    with read_session() as session:
        assert [(s.report_id, s.user_id) for s in session.exec(select(ProblemSupport))] == [(report_id, sam.id)]
        assert len(session.exec(select(ProblemReport)).all()) == 1


def test_a_resident_over_the_daily_limit_is_told_so_in_chinese_and_nothing_is_written(make_user, open_page):
    rita = make_user("rita")
    for index in range(5):
        file(rita.id, spot=north_of(BEACH, 100 * index))
    app = at_spot(open_page, rita, north_of(BEACH, 2000), lang="zh")
    before = counts()
    app.button[0].click().run()
    assert "您今天已上报 5 条，已达每日上限，请明天再报。" in shown(app)
    assert counts() == before


def test_an_admin_confirms_and_fixes_and_the_reporter_sees_each_step_and_the_credit(make_user, open_page):
    rita, ada = make_user("rita"), make_user("ada", role="admin")
    report_id = file(rita.id, note="Bottles")
    app = open_page(TRIAGE, ada)
    assert "Reported by rita" in shown(app) and "Bottles" in shown(app)
    app.button(key="triage_confirm").click().run()
    assert f"Report #{report_id} confirmed; the reporter was credited 50 points." in shown(app)
    app.text_area[0].input("Beach team collected two bags")
    app.button(key="triage_fix").click().run()
    assert not app.exception and f"Report #{report_id} marked fixed." in shown(app)
    assert report(report_id).status == "fixed" and balance(rita.id) == 50
    mine = open_page(REPORT, rita)
    assert mine.expander[0].label.startswith(f"#{report_id} · Beach or marine litter · Fixed")
    text = shown(mine)
    assert "Confirmed by the city (city staff)" in text and "Beach team collected two bags" in text
    assert "Credited to you: 50 points." in text


def test_a_report_closed_as_not_a_problem_needs_a_reason(make_user, open_page):
    rita, ada = make_user("rita"), make_user("ada", role="admin")
    report_id = file(rita.id)
    app = open_page(TRIAGE, ada)
    app.button(key="triage_dismiss").click().run()  # no reason given
    assert "Please give a reason." in shown(app) and report(report_id).status == "new"
    app.text_area[-1].input("Seaweed washed up, not litter")
    app.button(key="triage_dismiss").click().run()
    assert report(report_id).status == "not_a_problem" and balance(rita.id) == 0


def test_an_auditor_reads_the_queue_and_has_no_buttons(make_user, open_page):
    file(make_user("rita").id)
    app = open_page(TRIAGE, make_user("aud", role="auditor"))
    assert "only admins triage them" in shown(app)
    assert not [button for button in app.button if button.key and button.key.startswith("triage_")]
    with read_session() as session:
        assert session.exec(select(ProblemStep)).all()[-1].action == "filed"


def test_the_map_page_counts_the_reports_on_its_layer(make_user, open_page):
    file(make_user("rita").id)
    app = open_page(MAP)
    assert not app.exception
    assert "1 environmental reports of the last 90 days are on the map" in shown(app)


def test_the_reports_layer_shows_status_colours_and_never_a_note(make_user):
    rita, ada = make_user("rita"), make_user("ada", role="admin")
    fixed = file(rita.id, note="{{ 7*7 }} {% raw %}王先生 138 0000 0000")
    with write_session() as session:
        filing.join_report(session, user_id=make_user("sam").id, report_id=fixed)
    step(ada.id, fixed, "confirm")
    step(ada.id, fixed, "fix", note="{{ 6*6 }} collected")
    file(rita.id, kind="overflowing_bin", spot=north_of(BEACH, 400))
    with read_session() as session:
        pins = public_pins(session)
    html = build_map([], language="en", reports=pins).get_root().render()
    assert "ge-report-fixed" in html and "ge-report-new" in html and "Overflowing bin" in html
    assert "Residents who reported it: 2" in html and "Report: Being fixed" in html  # the legend names every status
    for private in ("王先生", "138 0000", "7*7", "6*6", "collected", "rita"):
        assert private not in html


def test_the_position_button_is_offered_on_wgs84_tiles_only():
    on_osm = build_map([], language="zh", tiles="osm", locate=True).get_root().render()
    on_amap = build_map([], language="zh", tiles="amap", locate=True).get_root().render()
    assert json.dumps(catalogue("zh")["problems.map.locate"]) in on_osm
    assert "navigator.geolocation" in on_osm and "isSecureContext" in on_osm
    assert "navigator.geolocation" not in on_amap
