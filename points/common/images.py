"""The one door for uploaded images: claim photos and camera frames are judged by their header before decoding.

Why: a PNG of a few KB can declare 12000x12000 pixels; decoding it costs gigabytes and minutes. So the byte
size, the format and the pixel count are checked from the header alone (Pillow opens lazily), Pillow's own
bomb guard is lowered to the same cap as a second line, and only then is anything decoded, already scaled
down. Stored photos are re-encoded, so trailing bytes after the image and EXIF (GPS position, camera serial)
never reach the database. Call these before a write transaction opens: decoding is slow work.
"""
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from points.common.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_SIDE = 1600    # a reviewer sees the evidence; a stored photo stays a few hundred KB
PHOTO_QUALITY = 85
SCAN_SIDE = 1600     # QR codes held to a camera stay readable; zxing's time grows with the pixel count

# Pillow refuses at twice this and warns above it: a second line behind the check in open_upload.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class Photo:
    """A claim photo as stored: re-encoded JPEG without metadata, made outside any transaction."""
    data: bytes
    content_type: str = "image/jpeg"


def _too_large() -> DomainError:
    return DomainError("image_too_large", max_mp=MAX_PIXELS // 1_000_000)


def open_upload(data: bytes) -> Image.Image:
    """The upload opened from its header only: refused when too many bytes or pixels, or not JPEG/PNG/WebP."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("photo_too_large", max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise DomainError("photo_invalid") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _too_large()
    return image


def _decoded(image: Image.Image, side: int, mode: str, *, upright: bool = False) -> Image.Image:
    """Decode at most about side x side pixels, turned by its EXIF orientation if asked.

    draft() lets the JPEG decoder itself scale by 1/2 to 1/8 (and read only grey for "L"), which is several
    times faster than decoding in full and resizing. A body that does not match its header is invalid.
    """
    try:
        image.draft(mode, (side, side))
        image.thumbnail((side, side))  # returns without decoding when the image is already small enough
        image.load()
        return ImageOps.exif_transpose(image) if upright else image
    except Exception:  # Pillow raises many types for a broken body
        raise DomainError("photo_invalid") from None


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white, not black."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def clean_photo(data: bytes) -> Photo:
    """Evidence to store: upright (EXIF orientation applied), at most PHOTO_SIDE, re-encoded with no metadata."""
    with open_upload(data) as image:
        clean = _flattened(_decoded(image, PHOTO_SIDE, "RGB", upright=True))
    clean.info.clear()  # nothing of the upload's metadata is carried into the new file
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return Photo(out.getvalue())


def for_scan(data: bytes) -> Image.Image:
    """A grey copy of a camera frame, at most SCAN_SIDE, for the QR reader."""
    with open_upload(data) as image:
        return _decoded(image, SCAN_SIDE, "L").convert("L")
