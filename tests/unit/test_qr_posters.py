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
