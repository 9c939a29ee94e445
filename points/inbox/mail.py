"""E-mail copies of inbox messages: residents' addresses, and the copy queued in the message's own transaction.

`notify` calls `queue_copy`, which only adds a row to the outbox (points/inbox/outbox.py): the SMTP round trip
happens later, in `manage.py send-mail` or the portal's sender thread (points/inbox/sender.py), so a slow or dead
mail server never holds a page or SQLite's city-wide write lock, a rollback drops the copy with the message, and
a crash after the commit loses nothing. Mail is off unless SMTP is configured (db.config): nothing is queued then.
Only residents who gave an address and opted in get copies.

The copy is worded when queued, in the resident's language then: it says what the inbox said at that moment, and
the sender stays a pump that needs no locale, rule or user row (the words need no lock and little time).
"""
import re
from datetime import datetime

from sqlmodel import Session

from db.config import get_settings
from db.models import MailPreference, User
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.inbox.outbox import forget_letters, queue_letter
from points.inbox.wording import LANGUAGES, text, word

ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def mail_address(session: Session, *, user_id: int) -> MailPreference | None:
    return session.get(MailPreference, user_id)


def set_mail_address(session: Session, *, user_id: int, address: str, opted_in: bool,
                     now: datetime | None = None) -> MailPreference | None:
    """Keep (or, with an empty address, remove) the user's address for copies of their messages. Copies not sent
    yet go when the address is removed, changed or no longer opted in: they were for the old choice."""
    address = address.strip()
    if address and (len(address) > 254 or not ADDRESS.match(address)):
        raise DomainError("inbox_mail_address_invalid")
    preference = session.get(MailPreference, user_id)
    if preference is not None and (preference.address != address or not opted_in):
        forget_letters(session, user_id=user_id, sent_too=False)
    if not address:
        if preference is not None:
            session.delete(preference)
        return None
    preference = preference or MailPreference(user_id=user_id, address=address)
    preference.address, preference.opted_in, preference.updated_at = address, opted_in, now or utcnow()
    session.add(preference)
    return preference


def forget_mail_address(session: Session, *, user_id: int) -> None:
    """Erasing an account removes its address and every letter to it, sent or not (the messages stay, like the
    ledger, without a name)."""
    set_mail_address(session, user_id=user_id, address="", opted_in=False)
    forget_letters(session, user_id=user_id, sent_too=True)


def queue_copy(session: Session, *, user_id: int, topic: str, params: dict, now: datetime) -> None:
    """Add an e-mail copy of a new message to the outbox in `session`'s transaction (nothing when mail is off or
    the user has no opted-in address)."""
    settings = get_settings()
    if settings.smtp is None:
        return
    preference = session.get(MailPreference, user_id)
    if preference is None or not preference.opted_in:
        return
    user = session.get(User, user_id)
    language = user.language if user is not None and user.language in LANGUAGES else LANGUAGES[0]
    wording = word(topic, params, language)
    body = f"{wording.body}\n\n-- \n{text('inbox.mail.footer', language)}\n{settings.base_url}/inbox\n"
    subject = " ".join(wording.title.split())  # one header line, whatever a title with user text holds
    queue_letter(session, user_id=user_id, address=preference.address, language=language, subject=subject,
                 body=body, now=now)
