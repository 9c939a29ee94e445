"""Images the image tests share (a small file declaring huge dimensions, a photo with a QR code) and the two
pages through which images enter: the resident's log form and the station camera."""
import io
from functools import lru_cache

from PIL import Image
from sqlalchemy.orm import undefer
from sqlmodel import select

from db.engine import read_session
from db.models import Claim
from points.checkin.posters import qr_image

LOG = "pages/resident/log.py"
STATION = "pages/organizer/station.py"


@lru_cache(maxsize=4)
def png_claiming(width: int, height: int) -> bytes:
    """A one-bit blank PNG: a few KB on the wire, width x height pixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")
    return out.getvalue()


def jpeg(image: Image.Image, **save) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=90, **save)
    return out.getvalue()


def photo_with_code(text: str, *, size: tuple[int, int], code_side: int) -> bytes:
    """A large photo with a QR code of `text`, code_side pixels wide, in the middle."""
    photo = Image.new("RGB", size, (120, 160, 110))
    code = qr_image(text).resize((code_side, code_side), Image.Resampling.NEAREST)
    photo.paste(code, ((size[0] - code_side) // 2, (size[1] - code_side) // 2))
    return jpeg(photo)


def log_with_photo(open_page, user, data: bytes, *, name: str = "evidence.png", lang: str = "en"):
    """The resident attaches `data` on the log page and submits; returns the AppTest after the submit."""
    app = open_page(LOG, user, lang=lang)
    app.file_uploader(key="log_photo").set_value((name, data, "image/png")).run()
    app.button(key="log_submit").click().run()
    return app


def scan_at_station(open_page, attendant, data: bytes, *, lang: str = "en"):
    """The attendant holds `data` to the station camera; returns the AppTest after the photo is taken."""
    app = open_page(STATION, attendant, lang=lang)
    app.camera_input[0].upload("frame.jpg", data)
    app.run()
    return app


def claims() -> list[Claim]:
    """Every claim written, with its stored photo."""
    with read_session() as session:
        return list(session.exec(select(Claim).options(undefer(Claim.photo))).all())


def shown(app) -> str:
    return " ".join(element.value for kind in (app.success, app.info, app.error, app.warning) for element in kind)
