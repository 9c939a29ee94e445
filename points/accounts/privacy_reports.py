"""A resident's environmental reports in their data download: what they filed (spot, note, photo as sent) and the
reports they said were the same problem. Kept apart from privacy.py because photos are files of their own in the
zip, not CSV cells."""
from sqlmodel import Session, col, select

from db.models import ProblemReport, ProblemSupport

REPORT_COLUMNS = ("id", "kind", "lat", "lon", "note", "photo_file", "status", "district", "community", "created_at",
                  "updated_at")
SUPPORT_COLUMNS = ("report_id", "created_at")
PHOTO_SUFFIX = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def report_files(session: Session, *, user_id: int) -> tuple[list[dict], dict[str, bytes]]:
    """(a row per report, {zip path: photo bytes}); the photo column is read here only, for this one resident."""
    rows, photos = [], {}
    reports = session.exec(select(ProblemReport).where(col(ProblemReport.reporter_id) == user_id)
                           .order_by(col(ProblemReport.id))).all()
    for report in reports:
        path = None
        if report.photo:
            path = f"report_photos/{report.id}.{PHOTO_SUFFIX.get(report.photo_type or '', 'bin')}"
            photos[path] = report.photo
        rows.append({**report.model_dump(exclude={"photo"}), "photo_file": path})
    return rows, photos


def supported_reports(session: Session, *, user_id: int) -> list[dict]:
    return [support.model_dump() for support in session.exec(
        select(ProblemSupport).where(col(ProblemSupport.user_id) == user_id).order_by(col(ProblemSupport.id)))]
