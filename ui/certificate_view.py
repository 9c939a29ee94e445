"""Certificates on the pages: a download that issues and draws the PDF on click, and what a certificate states."""
from collections.abc import Callable

import streamlit as st

from db.engine import read_session
from db.models import Certificate
from points.certificates.documents import certificate_pdf
from points.certificates.verification import Verified, describe
from points.checkin.posters import find_cjk_font
from points.common.clock import local_day
from points.common.errors import DomainError
from ui.format import day, grams, number
from ui.i18n import error_text, localized, t


def font_missing() -> DomainError | None:
    try:
        find_cjk_font()
    except DomainError as missing:
        return DomainError("certificate_font_missing", **missing.params)
    return None


def certificate_download(issue: Callable[[], Certificate], *, name: str) -> None:
    """A PDF download whose certificate is issued when clicked, then described and drawn outside any write.
    `issue` is one of points.certificates.issuing's `issue_*` (bound to the resident): they sum the figures in a
    read and insert in a short write of their own. Streamlit runs `build` on another thread after this run;
    asking again for the same figures gives the same certificate, so a second click is harmless. The page shows
    the button only when there is something to state."""
    missing = font_missing()
    if missing is not None:
        st.warning(error_text(missing))
        return

    def build() -> bytes:
        certificate = issue()
        with read_session() as session:
            verified = describe(session, certificate=certificate)
        return certificate_pdf(verified)

    st.download_button(t("certificates.download"), data=build, file_name=f"green-egret-certificate-{name}.pdf",
                       mime="application/pdf", key=f"certificate_{name}", on_click="ignore",
                       icon=":material/download:")


def statement_text(verified: Verified) -> str:
    """The certificate's sentence in the reader's language, the figures as the portal formats them."""
    certificate, project = verified.certificate, verified.project
    return t(f"certificates.statement.{certificate.kind}", name=verified.name or "—",
             hours=number(certificate.hours or 0, 1), events=number(certificate.events or 0),
             year=str(certificate.year), co2e=grams(certificate.co2e_g or 0),
             points=number(certificate.points or 0), project=localized(project, "title") if project else "")


def verified_facts(verified: Verified) -> list[str]:
    """Number, kind and date: what a reader compares with the paper."""
    certificate = verified.certificate
    return [t("certificates.verify.kind", kind=t(f"certificates.title.{certificate.kind}")),
            t("certificates.verify.number", number=certificate.id),
            t("certificates.verify.issued", date=day(local_day(certificate.issued_at)))]
