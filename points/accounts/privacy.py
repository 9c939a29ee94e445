"""A resident's data rights: download everything we hold about them, or delete the account.

The download includes the partner consent history (every consent given, link made and withdrawn), the events
partners sent about the resident, their gifts to projects, their certificates (with the code their paper's QR
link carries, never the secret that signs it), their inbox (each message in their language and as stored) and the
e-mail address kept for copies. Deletion withdraws every partner link (no partner credits a deleted account,
and the card can be linked again), anonymises the profile and the free text a resident wrote, ends every
sign-in, and keeps the ledger
as it is: its rows only name a user id, which now points at an anonymous profile, so the hash chain and the
city's totals stay valid (pseudonymised, not erased: the ledger is the public record of points).

Gifts and certificates hold no free text: a gift is points and a project (the project's total counts it), a
certificate frozen figures its paper's signature covers (the verification page then withdraws it without the
name). Inbox messages keep their topic, key and dates (the key keeps a resent notice from coming back) but lose
their free-text parameters: an administrator's reason for an appeal decision is written about this resident and
may quote the note deletion blanks. The decision and its reason stay in the appeal and the audit log, the city's
record of what it decided; the inbox copy was the resident's alone.
"""
import io
import json
import secrets
import zipfile
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.engine import read_session, write_session
from db.models import (
    Appeal,
    Certificate,
    CheckIn,
    Claim,
    InboxMessage,
    LedgerEntry,
    PartnerEvent,
    ProblemReport,
    Redemption,
    Reward,
    User,
)
from points.accounts.passwords import verify_password
from points.accounts.privacy_reports import REPORT_COLUMNS, SUPPORT_COLUMNS, report_files, supported_reports
from points.accounts.signin import end_all_sessions
from points.certificates.codes import certificate_code
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import require_role
from points.common.spreadsheet import SafeWriter
from points.inbox.mail import forget_mail_address, mail_address
from points.inbox.wording import word
from points.partners.links import consent_history, links_of, unlink
from points.projects.gifts import my_gifts

PROFILE_COLUMNS = ("id", "username", "display_name", "role", "district", "community", "language",
                   "leaderboard_opt_in", "nickname", "created_at")
CLAIM_COLUMNS = ("id", "action_code", "quantity", "occurred_at", "local_day", "status", "status_reason", "note",
                 "checkpoint_id", "co2e_g", "points", "review_reason", "reviewed_at", "created_at", "source",
                 "partner_id")
LEDGER_COLUMNS = ("seq", "kind", "points", "co2e_g", "action_code", "quantity", "claim_id", "redemption_id",
                  "checkin_id", "original_entry_id", "reason", "created_at", "hash")
CHECKIN_COLUMNS = ("id", "checkpoint_id", "period", "checked_in_at", "checked_out_at", "hours", "status")
REDEMPTION_COLUMNS = ("id", "reward", "cost", "code", "status", "created_at", "cancelled_at")
APPEAL_COLUMNS = ("id", "claim_id", "entry_id", "note", "status", "decision_reason", "decided_at", "created_at")
CONSENT_COLUMNS = ("event", "at", "partner", "subject", "consent_version", "method", "operator", "code_expires_at",
                   "code_used_at", "by")
PARTNER_EVENT_COLUMNS = ("partner_id", "external_id", "action_code", "quantity", "occurred_at", "outcome", "points",
                         "claim_id", "received_at")
GIFT_COLUMNS = ("id", "project_id", "project_title_zh", "project_title_en", "points", "given_at", "refunded",
                "refunded_at")
CERTIFICATE_COLUMNS = ("id", "kind", "year", "hours", "events", "points", "co2e_g", "gift_id", "issued_at",
                       "verification_code")
INBOX_COLUMNS = ("id", "received_at", "topic", "title", "body", "params", "read", "read_at")
MAIL_COLUMNS = ("address", "opted_in", "updated_at")
# Message parameters that carry no free text, by points.inbox.wording's conventions: a message key, a date, an
# instant, a city record's title in zh and en. Numbers are not text either; any other string may be a person's
# words (a year sent as a string is blanked with them: nobody reads an erased account's inbox again).
STRUCTURED_PARAMS = ("_key", "_on", "_at", "_zh", "_en")
DELETED_NAME = "—"
UNUSABLE_PASSWORD = "!deleted"  # not an argon2 hash: no password can ever match it


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(columns)
    writer.writerows([row.get(name) for name in columns] for row in rows)  # None is written as ""
    return buffer.getvalue()


def _rows(session: Session, *, model: type[Claim | LedgerEntry | CheckIn | Appeal | PartnerEvent | InboxMessage],
          user_id: int, order: Any) -> list[dict]:
    return [row.model_dump() for row in session.exec(
        select(model).where(col(model.user_id) == user_id).order_by(order))]


def _redemptions(session: Session, *, user_id: int) -> list[dict]:
    rows = session.exec(select(Redemption, Reward.code).join(Reward, col(Reward.id) == col(Redemption.reward_id))
                        .where(col(Redemption.user_id) == user_id).order_by(col(Redemption.id))).all()
    return [{**redemption.model_dump(), "reward": code} for redemption, code in rows]


def _gifts(session: Session, *, user_id: int) -> list[dict]:
    return [{**gift.model_dump(), "project_title_zh": project.title_zh, "project_title_en": project.title_en,
             "given_at": gift.created_at, "refunded": gift.refund_entry_id is not None}
            for gift, project in reversed(my_gifts(session, user_id=user_id))]


def _certificates(session: Session, *, user_id: int) -> list[dict]:
    return [{**certificate.model_dump(), "verification_code": certificate_code(certificate)}
            for certificate in session.exec(select(Certificate).where(col(Certificate.user_id) == user_id)
                                            .order_by(col(Certificate.id)))]


def _inbox(session: Session, *, user_id: int, language: str | None) -> list[dict]:
    """Each message as the inbox shows it, in the resident's language, and as stored (topic and parameters)."""
    rows = []
    for message in _rows(session, model=InboxMessage, user_id=user_id, order=col(InboxMessage.id)):
        wording = word(message["topic"], message["params"], language)
        rows.append({**message, "received_at": message["created_at"], "title": wording.title, "body": wording.body,
                     "params": json.dumps(message["params"], ensure_ascii=False, sort_keys=True),
                     "read": message["read_at"] is not None})
    return rows


def _mail(session: Session, *, user_id: int) -> list[dict]:
    preference = mail_address(session, user_id=user_id)
    return [] if preference is None else [preference.model_dump()]


def export_my_data(session: Session, *, user_id: int) -> bytes:
    """A zip of CSV files (UTF-8 with BOM so spreadsheets show Chinese): everything kept about this user."""
    user = require_role(session, user_id)
    files = {
        "profile.csv": _csv(PROFILE_COLUMNS, [user.model_dump()]),
        "claims.csv": _csv(CLAIM_COLUMNS, _rows(session, model=Claim, user_id=user_id, order=col(Claim.id))),
        "ledger.csv": _csv(LEDGER_COLUMNS, _rows(session, model=LedgerEntry, user_id=user_id,
                                                 order=col(LedgerEntry.seq))),
        "checkins.csv": _csv(CHECKIN_COLUMNS, _rows(session, model=CheckIn, user_id=user_id, order=col(CheckIn.id))),
        "redemptions.csv": _csv(REDEMPTION_COLUMNS, _redemptions(session, user_id=user_id)),
        "appeals.csv": _csv(APPEAL_COLUMNS, _rows(session, model=Appeal, user_id=user_id, order=col(Appeal.id))),
        "partner_consents.csv": _csv(CONSENT_COLUMNS, consent_history(session, user_id=user_id)),
        "partner_events.csv": _csv(PARTNER_EVENT_COLUMNS, _rows(session, model=PartnerEvent, user_id=user_id,
                                                                order=col(PartnerEvent.id))),
        "project_gifts.csv": _csv(GIFT_COLUMNS, _gifts(session, user_id=user_id)),
        "certificates.csv": _csv(CERTIFICATE_COLUMNS, _certificates(session, user_id=user_id)),
        "inbox.csv": _csv(INBOX_COLUMNS, _inbox(session, user_id=user_id, language=user.language)),
        "mail_address.csv": _csv(MAIL_COLUMNS, _mail(session, user_id=user_id)),
    }
    reports, photos = report_files(session, user_id=user_id)
    files["reports.csv"] = _csv(REPORT_COLUMNS, reports)
    files["same_problem.csv"] = _csv(SUPPORT_COLUMNS, supported_reports(session, user_id=user_id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, "\ufeff" + text)
        for name, photo in photos.items():
            archive.writestr(name, photo)
    return buffer.getvalue()


def delete_my_account(*, user_id: int, password: str, now: datetime | None = None) -> None:
    """Confirmed by the password: anonymise the profile and notes, end sessions, keep the ledger untouched.

    Owns its transactions, as points.accounts.signin does: argon2 (~0.2 s) runs after a read and before a short
    write, never inside one (on SQLite a write transaction holds every credit in the city)."""
    now = now or utcnow()
    with read_session() as session:
        verified_hash = require_role(session, user_id).password_hash
    if not verify_password(verified_hash, password or ""):
        raise DomainError("password_wrong")
    with write_session() as session:
        _erase(session, user_id=user_id, verified_hash=verified_hash, now=now)


def _erase(session: Session, *, user_id: int, verified_hash: str, now: datetime) -> None:
    """The write after the check: refused if the password changed since it was verified."""
    user = require_role(session, user_id)
    if user.password_hash != verified_hash:
        raise DomainError("password_wrong")
    for link in links_of(session, user_id=user_id):
        if link.withdrawn_at is None:
            unlink(session, user_id=user_id, partner_id=link.partner_id, actor_id=user_id, now=now)
    _anonymise(user, now)
    session.add(user)
    for claim in session.exec(select(Claim).where(col(Claim.user_id) == user_id)):
        claim.note, claim.photo, claim.photo_type = None, None, None
        session.add(claim)
    for appeal in session.exec(select(Appeal).where(col(Appeal.user_id) == user_id)):
        appeal.note = ""
        session.add(appeal)
    for report in session.exec(select(ProblemReport).where(col(ProblemReport.reporter_id) == user_id)):
        # the spot, kind and status stay the city's, and so do the district and community it was filed in: they
        # now describe an anonymous profile and reach the public only in lists of 5 or more reporters
        # (points.reports.community_reports); blanking them would take the report off its community's page, a
        # change anyone watching the page could tie to the deletion
        report.note, report.photo, report.photo_type = None, None, None
        session.add(report)
    _blank_messages(session, user_id=user_id)
    forget_mail_address(session, user_id=user_id)
    end_all_sessions(session, user_id=user_id, now=now)


def _blank_messages(session: Session, *, user_id: int) -> None:
    """Free-text parameters become "" (the message still reads, without them); structured ones stay."""
    for message in session.exec(select(InboxMessage).where(col(InboxMessage.user_id) == user_id)):
        blanked = {name: "" if isinstance(value, str) and not name.endswith(STRUCTURED_PARAMS) else value
                   for name, value in message.params.items()}
        if blanked != message.params:
            message.params = blanked
            session.add(message)


def _anonymise(user: User, now: datetime) -> None:
    user.username = f"deleted-{user.id}-{secrets.token_hex(4)}"
    user.display_name, user.password_hash = DELETED_NAME, UNUSABLE_PASSWORD
    user.district = user.community = user.language = user.nickname = None
    user.leaderboard_opt_in = False
    user.deleted_at = now
