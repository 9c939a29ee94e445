"""E-mail copies of inbox messages, sent only after the transaction that stored them commits.

A message sent from inside a write transaction could tell of something that then rolls back, and the SMTP round
trip would hold SQLite's city-wide write lock. So `notify` only queues the copy on the session; the session's
after_commit hook sends it, and a rollback forgets it. Mail is off unless SMTP is configured (db.config), and
only residents who gave an address and opted in get copies. A failed send is logged, never raised: the message
is already in the inbox, and the action it reports has been committed.
"""
import logging
import re
import smtplib
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import event
from sqlalchemy.orm import Session

from db.config import SmtpSettings, get_settings
from db.models import MailPreference, User
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.inbox.wording import Wording, text, word

_PENDING = "green_egret_inbox_mail"
SMTP_TIMEOUT_SECONDS = 10
ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
log = logging.getLogger(__name__)


def mail_address(session: Session, *, user_id: int) -> MailPreference | None:
    return session.get(MailPreference, user_id)


def set_mail_address(session: Session, *, user_id: int, address: str, opted_in: bool,
                     now: datetime | None = None) -> MailPreference | None:
    """Keep (or, with an empty address, remove) the user's address for copies of their messages."""
    address = address.strip()
    preference = session.get(MailPreference, user_id)
    if not address:
        if preference is not None:
            session.delete(preference)
        return None
    if len(address) > 254 or not ADDRESS.match(address):
        raise DomainError("inbox_mail_address_invalid")
    preference = preference or MailPreference(user_id=user_id, address=address)
    preference.address, preference.opted_in, preference.updated_at = address, opted_in, now or utcnow()
    session.add(preference)
    return preference


def forget_mail_address(session: Session, *, user_id: int) -> None:
    """Erasing an account removes its address (the messages stay, like the ledger, without a name)."""
    set_mail_address(session, user_id=user_id, address="", opted_in=False)


def mail_on_commit(session: Session, *, user_id: int, topic: str, params: dict) -> None:
    """Queue an e-mail copy of a new message for when `session` commits (nothing when mail is off or the user
    has no opted-in address). Worded now, in the user's language: the words need no lock and little time."""
    if get_settings().smtp is None:
        return
    preference = session.get(MailPreference, user_id)
    if preference is None or not preference.opted_in:
        return
    user = session.get(User, user_id)
    language = user.language if user is not None else None
    session.info.setdefault(_PENDING, []).append((preference.address, language, word(topic, params, language)))


def _letter(settings: SmtpSettings, address: str, language: str | None, wording: Wording) -> EmailMessage:
    letter = EmailMessage()
    letter["From"], letter["To"], letter["Subject"] = settings.from_address, address, wording.title
    letter.set_content(f"{wording.body}\n\n-- \n{text('inbox.mail.footer', language or 'zh')}\n"
                       f"{get_settings().base_url}/inbox\n")
    return letter


def send_letters(letters: list[tuple[str, str | None, Wording]]) -> None:
    """Send the queued copies over one SMTP connection; log and drop them if the server fails."""
    settings = get_settings().smtp
    if settings is None or not letters:
        return
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
            if settings.starttls:
                server.starttls()
            if settings.user and settings.password:
                server.login(settings.user, settings.password)
            for address, language, wording in letters:
                server.send_message(_letter(settings, address, language, wording))
    except (OSError, smtplib.SMTPException):
        log.exception("inbox mail: %d copies not sent", len(letters))


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    send_letters(session.info.pop(_PENDING, []))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
