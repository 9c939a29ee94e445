"""A resident's data rights: download everything we hold about them, or delete the account.

The download includes the partner consent history (every consent given, link made and withdrawn) and the events
partners sent about the resident. Deletion withdraws every partner link (no partner credits a deleted account,
and the card can be linked again), anonymises the profile and the free text a resident wrote, ends every
sign-in, and keeps the ledger
as it is: its rows only name a user id, which now points at an anonymous profile, so the hash chain and the
city's totals stay valid (pseudonymised, not erased: the ledger is the public record of points).
"""
import io
import secrets
import zipfile
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.engine import read_session, write_session
from db.models import Appeal, CheckIn, Claim, LedgerEntry, PartnerEvent, ProblemReport, Redemption, Reward, User
from points.accounts.passwords import verify_password
from points.accounts.signin import end_all_sessions
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import require_role
from points.common.spreadsheet import SafeWriter
from points.inbox.mail import forget_mail_address
from points.partners.links import consent_history, links_of, unlink

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
DELETED_NAME = "—"
UNUSABLE_PASSWORD = "!deleted"  # not an argon2 hash: no password can ever match it


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(columns)
    writer.writerows([row.get(name) for name in columns] for row in rows)  # None is written as ""
    return buffer.getvalue()


def _rows(session: Session, *, model: type[Claim | LedgerEntry | CheckIn | Appeal | PartnerEvent], user_id: int,
          order: Any) -> list[dict]:
    return [row.model_dump() for row in session.exec(
        select(model).where(col(model.user_id) == user_id).order_by(order))]


def _redemptions(session: Session, *, user_id: int) -> list[dict]:
    rows = session.exec(select(Redemption, Reward.code).join(Reward, col(Reward.id) == col(Redemption.reward_id))
                        .where(col(Redemption.user_id) == user_id).order_by(col(Redemption.id))).all()
    return [{**redemption.model_dump(), "reward": code} for redemption, code in rows]


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
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, "\ufeff" + text)
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
        report.note, report.photo, report.photo_type = None, None, None  # the spot, kind and status stay the city's
        session.add(report)
    forget_mail_address(session, user_id=user_id)
    end_all_sessions(session, user_id=user_id, now=now)


def _anonymise(user: User, now: datetime) -> None:
    user.username = f"deleted-{user.id}-{secrets.token_hex(4)}"
    user.display_name, user.password_hash = DELETED_NAME, UNUSABLE_PASSWORD
    user.district = user.community = user.language = user.nickname = None
    user.leaderboard_opt_in = False
    user.deleted_at = now
