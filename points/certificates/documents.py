"""The certificate as an A4 PDF: title and statement in Chinese and English, its number and date, and the QR link
to the verification page.

fpdf2's own fonts are Latin-1 only, so the page uses the CJK TrueType font the posters use (found at run time).
The wording comes from the portal's message files (certificates.json), the same texts the pages show.
"""
import io
import json
from functools import cache
from pathlib import Path

from fpdf import FPDF

from db.config import ASSETS_DIR
from points.certificates.codes import verification_link
from points.certificates.verification import Verified
from points.checkin.posters import POSTER_LANGUAGES, find_cjk_font, qr_png
from points.common.clock import local_day
from points.common.errors import DomainError

PORTAL_NAME = "section.portal"
MASS_STEPS = ((1_000_000, "t", 2), (1000, "kg", 1), (1, "g", 0))  # (grams per unit, unit, digits), largest first


@cache
def wording(language: str) -> dict[str, str]:
    """The certificate texts and the portal's name in one language."""
    folder = ASSETS_DIR / "locales" / language
    texts = json.loads((folder / "certificates.json").read_text(encoding="utf-8"))
    texts[PORTAL_NAME] = json.loads((folder / "core.json").read_text(encoding="utf-8"))[PORTAL_NAME]
    texts.update(json.loads((folder / "numbers.json").read_text(encoding="utf-8")))
    return texts


def grams_text(grams: int, language: str) -> str:
    """CO₂e in g, kg or t (克, 千克, 吨), as the pages say it, without Babel (the domain formats plain numbers)."""
    size, unit, digits = next((step for step in MASS_STEPS if abs(grams) >= step[0]), MASS_STEPS[-1])
    texts = wording(language)
    return texts["numbers.amount"].format(value=f"{grams / size:,.{digits}f}", unit=texts[f"numbers.mass.{unit}"])


def statement_params(verified: Verified, language: str) -> dict[str, str]:
    """What fills the statement's blanks: the name, the figures, the gift's project in this language."""
    certificate, project = verified.certificate, verified.project
    return {"name": verified.name or "—", "hours": f"{certificate.hours or 0:g}", "events": str(certificate.events),
            "year": str(certificate.year), "co2e": grams_text(certificate.co2e_g or 0, language),
            "points": f"{certificate.points or 0:,}",
            "project": getattr(project, f"title_{language}") if project is not None else ""}


def statement(verified: Verified, language: str) -> str:
    texts = wording(language)
    return texts[f"certificates.statement.{verified.certificate.kind}"].format(**statement_params(verified,
                                                                                                  language))


def _font() -> Path:
    try:
        return find_cjk_font()
    except DomainError as missing:
        raise DomainError("certificate_font_missing", **missing.params) from missing


def certificate_pdf(verified: Verified) -> bytes:
    """One A4 page in both languages; the QR (60 mm) opens the public verification page."""
    certificate = verified.certificate
    link = verification_link(certificate)
    pdf = FPDF(format="A4")
    pdf.set_title(wording("en")[f"certificates.title.{certificate.kind}"])
    pdf.add_page()
    pdf.add_font("cjk", fname=str(_font()))
    pdf.set_draw_color(46, 125, 50)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(28)
    for language in POSTER_LANGUAGES:
        texts = wording(language)
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(0, 7, texts[PORTAL_NAME], align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=24 if language == "zh" else 18)
        pdf.multi_cell(0, 12, texts[f"certificates.title.{certificate.kind}"], align="C", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.set_font("cjk", size=14)
        pdf.set_x(25)
        pdf.multi_cell(160, 9, statement(verified, language), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
    issued = local_day(certificate.issued_at).isoformat()
    pdf.set_font("cjk", size=11)
    for language in POSTER_LANGUAGES:
        pdf.multi_cell(0, 7, wording(language)["certificates.number"].format(number=certificate.id, date=issued),
                       align="C", new_x="LMARGIN", new_y="NEXT")
    top = max(pdf.get_y() + 6, 170)
    pdf.image(io.BytesIO(qr_png(link, box_size=8)), x=75, y=top, w=60)
    pdf.set_y(top + 62)
    pdf.set_font("cjk", size=11)
    for language in POSTER_LANGUAGES:
        pdf.multi_cell(0, 6, wording(language)["certificates.scan"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 5, link, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

