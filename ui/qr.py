"""QR helpers for pages: show a code, read codes from a camera photo, name a checkpoint in the reader's language."""
import streamlit as st
import zxingcpp

from db.models import Checkpoint
from points.checkin.posters import qr_png
from points.common import images
from ui.attempt import attempt_step
from ui.i18n import localized, t


def show_code(text: str, *, caption: str | None = None, width: int = 320) -> None:
    st.image(qr_png(text), caption=caption, width=width)


def decode_codes(photo: bytes) -> list[str]:
    """Every QR or barcode text zxing-cpp finds in a photo, read from a scaled-down copy (points.common.images).

    DomainError for a non-image or an image over the pixel cap, refused before anything is decoded.
    """
    return [found.text for found in zxingcpp.read_barcodes(images.for_scan(photo)) if found.valid]


def camera_codes(photo) -> list[str]:
    """Codes in a camera photo (an UploadedFile or None); says why when there are none. Call before any write."""
    if photo is None:
        return []
    decoded = attempt_step(lambda: decode_codes(photo.getvalue()))
    found = decoded.value or []
    if decoded.ok and not found:
        st.warning(t("checkin.station.no_code"))
    return found


def title_of(checkpoint: Checkpoint) -> str:
    return localized(checkpoint, "title")


def description_of(checkpoint: Checkpoint) -> str:
    return localized(checkpoint, "description")
