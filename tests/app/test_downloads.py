"""Downloads are built when clicked, not on every rerun: each page registers a callable, which builds the file."""
import csv
import io
import json
import zipfile

import pytest

from db.engine import write_session
from points.checkin.posters import find_cjk_font
from points.common.errors import DomainError
from points.places.registry import load_places
from tests.support.admin import with_catalogue
from tests.support.checkin import make_checkpoint
from tests.support.ledger import log
from ui.compat import MediaFileManager

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """File name -> the callable a page handed Streamlit to run on click (AppTest itself never clicks)."""
    registered = {}
    add_deferred = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return registered


def has_cjk_font() -> bool:
    try:
        return bool(find_cjk_font())
    except DomainError:
        return False


def test_my_statement_csv_holds_every_entry(make_user, open_page, downloads):
    with_catalogue()
    user = make_user("ann")
    log(user.id, "metro", 10)
    log(user.id, "paper", 2)
    assert not open_page("pages/resident/ledger.py", user).exception
    rows = list(csv.DictReader(io.StringIO(downloads["green-egret-ann.csv"]())))
    assert [row["action_code"] for row in rows] == ["metro", "paper"]


def test_my_data_export_is_a_zip_of_my_records(make_user, open_page, downloads):
    user = make_user("sam")
    assert not open_page("pages/resident/account.py", user).exception
    with zipfile.ZipFile(io.BytesIO(downloads["green-egret-sam.zip"]())) as archive:
        assert "profile.csv" in archive.namelist()


def test_the_open_data_and_places_exports(make_user, open_page, downloads):
    with_catalogue()
    with write_session() as session:
        load_places(session)
    admin = make_user("boss", role="admin")
    assert not open_page("pages/admin/dashboard.py", admin).exception
    assert downloads["green-egret-open-data.csv"]().splitlines()[0]
    assert not open_page("pages/admin/places.py", admin).exception
    assert json.loads(downloads["places.geojson"]())["features"]


def open_checkpoint(make_user, open_page):
    with_catalogue()
    organizer = make_user("olga", role="organizer")
    checkpoint_id = make_checkpoint(organizer.id)
    app = open_page("pages/organizer/organize.py", organizer)
    app.selectbox[0].set_value(checkpoint_id).run()
    assert not app.exception
    return app, checkpoint_id


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed to draw the posters")
def test_the_organiser_downloads_posters_and_attendance(make_user, open_page, downloads):
    _, checkpoint_id = open_checkpoint(make_user, open_page)
    assert downloads[f"checkpoint-{checkpoint_id}.png"]().startswith(b"\x89PNG")
    assert downloads[f"checkpoint-{checkpoint_id}.pdf"]().startswith(b"%PDF")
    assert downloads[f"attendance-{checkpoint_id}.csv"]().startswith("\ufeff".encode())


def test_without_a_cjk_font_the_poster_says_so_and_offers_no_download(make_user, open_page, downloads,
                                                                       monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_CJK_FONT", "/nowhere/no-font.ttc")
    app, checkpoint_id = open_checkpoint(make_user, open_page)
    assert any("font" in warning.value.lower() for warning in app.warning)
    assert f"checkpoint-{checkpoint_id}.png" not in downloads and f"attendance-{checkpoint_id}.csv" in downloads
