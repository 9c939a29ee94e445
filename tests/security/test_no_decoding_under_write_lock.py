"""Issue 11: no image or QR decoding inside a write transaction.

On SQLite a write transaction (BEGIN IMMEDIATE) locks the whole city: a photo decoded inside one stalls
every credit behind it. The log page and the station camera are driven for real, and every call that
opens, decodes or reads an image records whether the write lock was held at that moment.
"""
import pytest
import zxingcpp
from PIL import Image, ImageFile

from points.checkin.personal_code import issue_code
from tests.conftest import on_postgres
from tests.support.checkin import load_city, points_of
from tests.support.images import claims, jpeg, log_with_photo, photo_with_code, scan_at_station, shown
from tests.support.lock_probe import calls_under_lock

pytestmark = pytest.mark.skipif(on_postgres(), reason="the probe asks SQLite's write lock; PostgreSQL locks "
                                                       "rows, not the whole database")


def test_a_claim_photo_is_judged_and_re_encoded_before_the_write_transaction(make_user, open_page, database,
                                                                              monkeypatch):
    load_city()
    ann = make_user("ann")
    photo = jpeg(Image.new("RGB", (3000, 2000), "green"))
    opened = calls_under_lock(monkeypatch, database, Image, "open")
    decoded = calls_under_lock(monkeypatch, database, ImageFile.ImageFile, "load")
    app = log_with_photo(open_page, ann, photo, name="bin.jpg")
    assert not app.exception and [claim.photo_type for claim in claims()] == ["image/jpeg"]
    assert not any(opened + decoded)  # never under the write lock ...
    assert opened and decoded  # ... and the probe did see the work happen


def test_a_refused_photo_is_refused_before_any_write_transaction(make_user, open_page, database, monkeypatch):
    load_city()
    ann = make_user("ann")
    opened = calls_under_lock(monkeypatch, database, Image, "open")
    app = log_with_photo(open_page, ann, b"GIF89a not an image")
    assert not any(opened) and opened
    assert "The file is not a JPEG, PNG or WebP image." in shown(app) and claims() == []


def test_the_station_reads_the_code_before_the_credit_is_written(make_user, open_page, database, monkeypatch):
    load_city()
    attendant, ann = make_user("olga", role="organizer"), make_user("ann")
    opened = calls_under_lock(monkeypatch, database, Image, "open")
    read = calls_under_lock(monkeypatch, database, zxingcpp, "read_barcodes")
    app = scan_at_station(open_page, attendant, photo_with_code(issue_code(ann.id), size=(1280, 960),
                                                                   code_side=600))
    app.number_input[0].set_value(2.0)
    [credit] = [button for button in app.button if button.label == "Credit"]
    credit.click().run()
    assert not any(opened + read) and opened and read
    assert "Credited 295 points" in shown(app) and points_of(ann.id) == 295
