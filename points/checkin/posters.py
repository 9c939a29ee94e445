"""Printable check-in codes: a QR PNG, a poster PNG and an A4 PDF with title, time, place, code and link.

fpdf2's built-in fonts are Latin-1 only, so Chinese titles (and "CO₂") need a CJK TrueType font, found at
run time; without one the poster says so clearly instead of printing boxes. A station's poster credits
nothing by itself: it tells residents how a station credits, in both languages like its title.
"""
import io
import json
import os
from functools import cache
from pathlib import Path

import qrcode
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from db.config import ASSETS_DIR
from db.models import Checkpoint
from points.checkin.tokens import checkin_link, poster_token
from points.common.clock import city_zone
from points.common.errors import DomainError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)


def find_cjk_font() -> Path:
    """GREEN_EGRET_CJK_FONT if set, else the first known Debian CJK font that exists."""
    configured = os.environ.get("GREEN_EGRET_CJK_FONT")
    for candidate in ((configured,) if configured else FONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    raise DomainError("poster_font_missing", hint="apt-get install fonts-wqy-microhei")


def poster_link(checkpoint: Checkpoint) -> str:
    """The printed link; a checkpoint that asks for rotating codes gets no printable one."""
    if checkpoint.rotating:
        raise DomainError("poster_rotating")
    assert checkpoint.id is not None  # only a saved checkpoint is printed
    return checkin_link(checkpoint.id, poster_token(checkpoint.id))


def qr_image(text: str, *, box_size: int = 10) -> Image.Image:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_png(text: str, *, box_size: int = 10) -> bytes:
    return png_bytes(qr_image(text, box_size=box_size))


STATION_NOTICE = "channels.station_poster"
POSTER_LANGUAGES = ("zh", "en")


@cache
def station_notice() -> tuple[str, ...]:
    """How a station credits, in both languages, from the portal's message files (the page's texts too)."""
    return tuple(json.loads((ASSETS_DIR / "locales" / language / "channels.json").read_text(encoding="utf-8"))
                 [STATION_NOTICE] for language in POSTER_LANGUAGES)


def poster_lines(checkpoint: Checkpoint, place: str) -> list[str]:
    """Title in both languages, the local time window and the place, as printed under the code."""
    zone = city_zone()
    starts, ends = checkpoint.starts_at.astimezone(zone), checkpoint.ends_at.astimezone(zone)
    end_format = "%H:%M" if starts.date() == ends.date() else "%Y-%m-%d %H:%M"
    return [checkpoint.title_zh, checkpoint.title_en,
            f"{starts:%Y-%m-%d %H:%M} – {ends.strftime(end_format)}", place]


def notice_lines(checkpoint: Checkpoint) -> tuple[str, ...]:
    """What a poster says besides its title: a station's poster that scanning it earns nothing, and how to earn."""
    return station_notice() if checkpoint.kind == "station" else ()


def wrapped(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break text into lines no wider than `width`: between words, or between characters for Chinese."""
    separator = " " if " " in text else ""
    lines, line = [], ""
    for token in text.split(" ") if separator else text:
        joined = f"{line}{separator}{token}" if line else token
        if line and draw.textlength(joined, font=font) > width:
            lines.append(line)
            joined = token
        line = joined
    return [*lines, line]


def poster_png(checkpoint: Checkpoint, place: str) -> bytes:
    """The code with its title, time, place and short link underneath, ready to print or share."""
    link = poster_link(checkpoint)
    code = qr_image(link, box_size=12)
    font_path = find_cjk_font()
    width = max(code.width, 900)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    texts = [*poster_lines(checkpoint, place), *notice_lines(checkpoint), link]
    sizes = [40, 28, 28, 24, *([24] * len(notice_lines(checkpoint))), 18]
    rows: list[tuple[str, ImageFont.FreeTypeFont, int]] = []  # (line, font, size), wrapped to the width
    for text, size in zip(texts, sizes, strict=True):
        font = ImageFont.truetype(str(font_path), size)
        rows.extend((line, font, size) for line in wrapped(measure, text, font, width - 80))
    canvas = Image.new("RGB", (width, code.height + sum(size + 24 for _, _, size in rows) + 40), "white")
    canvas.paste(code, ((canvas.width - code.width) // 2, 0))
    draw, y = ImageDraw.Draw(canvas), code.height
    for line, font, size in rows:
        draw.text(((canvas.width - draw.textlength(line, font=font)) / 2, y), line, font=font, fill="black")
        y += size + 24
    return png_bytes(canvas)


def poster_pdf(checkpoint: Checkpoint, place: str) -> bytes:
    """An A4 page: title, time, place, a 120 mm code and the short link, in a CJK font."""
    link = poster_link(checkpoint)
    pdf = FPDF(format="A4")
    pdf.set_title(checkpoint.title_en)
    pdf.add_page()
    pdf.add_font("cjk", fname=str(find_cjk_font()))
    title_zh, title_en, window, where = poster_lines(checkpoint, place)
    for text, size in ((title_zh, 26), (title_en, 18), (window, 14), (where, 12)):
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.image(qr_image(link, box_size=10), x=45, y=pdf.get_y() + 5, w=120)
    pdf.set_y(pdf.get_y() + 130)
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(0, 6, link, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    for notice in notice_lines(checkpoint):
        pdf.multi_cell(0, 7, notice, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
