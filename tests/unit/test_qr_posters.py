"""Posters carry a code that decodes to the checkpoint's signed link, in PNG and PDF, with a CJK font."""
import io

import pytest
import zxingcpp
from PIL import Image

from db.engine import read_session
from db.models import Checkpoint
from points.checkin import posters
from points.checkin.tokens import verify
from points.common.errors import DomainError
from tests.support.checkin import make_checkpoint


@pytest.fixture
def checkpoint(make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_BASE_URL", "https://egret.example.cn")
    checkpoint_id = make_checkpoint(make_user("olga", role="organizer").id, title_zh="白鹭洲公园清洁")
    with read_session() as session:
        return session.get(Checkpoint, checkpoint_id)


def test_poster_png_decodes_to_the_signed_link(checkpoint):
    image = Image.open(io.BytesIO(posters.poster_png(checkpoint, "中山公园 Zhongshan Park")))
    [found] = zxingcpp.read_barcodes(image)
    assert found.text.startswith(f"https://egret.example.cn/checkin?c={checkpoint.id}&t=")
    assert verify(checkpoint.id, found.text.split("&t=")[1]).purpose == "poster"


def test_poster_pdf_is_a_pdf_with_the_chinese_title_embedded(checkpoint):
    pdf = posters.poster_pdf(checkpoint, "中山公园 Zhongshan Park")
    assert pdf.startswith(b"%PDF") and b"WenQuanYi" in pdf


def test_missing_cjk_font_is_a_clear_refusal(checkpoint, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_CJK_FONT", "/nowhere/font.ttc")
    with pytest.raises(DomainError) as caught:
        posters.poster_pdf(checkpoint, "x")
    assert caught.value.code == "poster_font_missing"


def test_rotating_checkpoint_has_no_printable_code(checkpoint):
    checkpoint.rotating = True
    with pytest.raises(DomainError) as caught:
        posters.poster_png(checkpoint, "x")
    assert caught.value.code == "poster_rotating"


def test_a_station_poster_says_it_earns_nothing_and_how_a_station_credits(make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_BASE_URL", "https://egret.example.cn")
    organizer = make_user("olga", role="organizer")
    ids = make_checkpoint(organizer.id, kind="station"), make_checkpoint(organizer.id, kind="event")
    with read_session() as session:
        station, event = (session.get(Checkpoint, checkpoint_id) for checkpoint_id in ids)
    chinese, english = posters.notice_lines(station)
    assert "个人码" in chinese and "earns no points" in english and "personal code" in english
    assert posters.notice_lines(event) == ()
    station_png = Image.open(io.BytesIO(posters.poster_png(station, "中山公园")))
    event_png = Image.open(io.BytesIO(posters.poster_png(event, "中山公园")))
    assert station_png.height > event_png.height + 100  # the notice is printed, wrapped to the poster's width
    [found] = zxingcpp.read_barcodes(station_png)
    assert found.text.startswith(f"https://egret.example.cn/checkin?c={station.id}&t=")
    assert posters.poster_pdf(station, "中山公园").startswith(b"%PDF")
