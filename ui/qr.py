"""QR helpers for pages: show a code, read codes from a camera photo, name a checkpoint in the reader's language."""
import io

import streamlit as st
import zxingcpp
from PIL import Image, UnidentifiedImageError

from db.models import Checkpoint
from points.posters import qr_png
from points.personal_code import LIFETIME, issue_code
from ui.i18n import localized, t


def show_code(text: str, *, caption: str | None = None, width: int = 320) -> None:
    st.image(qr_png(text), caption=caption, width=width)


def personal_code_panel(user) -> None:
    """The resident's short-lived personal code, for a recycling station attendant to scan."""
    st.subheader(t("checkin.personal_code"))
    st.caption(t("checkin.personal_code_help", minutes=int(LIFETIME.total_seconds() // 60)))
    if st.button(t("checkin.show_personal_code"), key="show_personal_code"):
        show_code(issue_code(user.id), caption=user.display_name)


def decode_codes(photo: bytes) -> list[str]:
    """Every QR or barcode text zxing-cpp finds in a photo (no system library needed)."""
    try:
        image = Image.open(io.BytesIO(photo))
        image.load()
    except (UnidentifiedImageError, OSError):
        return []
    return [found.text for found in zxingcpp.read_barcodes(image.convert("RGB")) if found.valid]


def title_of(checkpoint: Checkpoint) -> str:
    return localized(checkpoint, "title")


def description_of(checkpoint: Checkpoint) -> str:
    return localized(checkpoint, "description")
