"""Sending the outbox over SMTP: `manage.py send-mail` (from cron) and the portal's sender thread share `send_due`.

Letters leave oldest first over one SMTP connection per round, opened only when a claim found something to send.
A failure costs what the server's answer says: a letter refused (a bad address, a full mailbox) fails alone; a
connection that cannot be opened or breaks fails every letter of the claim not sent yet. Failed letters are
retried after a backoff and given up after a few attempts (points/inbox/outbox.py). Nothing here raises for SMTP:
the messages are in the inbox already, and the next round tries again.
"""
import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from db.config import SmtpSettings, get_settings
from db.models import MailOutbox
from points.common.clock import utcnow
from points.inbox.outbox import CLAIM_BATCH, ERROR_LENGTH, claim_due, mark_failed, mark_sent, prune_sent

SMTP_TIMEOUT_SECONDS = 10
SENDER_INTERVAL_SECONDS = 30
# Refusals of one letter, after which smtplib has reset the transaction and the connection can go on; ValueError:
# a letter that cannot be encoded. Any other OSError (SMTPServerDisconnected, a timeout, a reset) is the connection.
LETTER_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, smtplib.SMTPNotSupportedError,
                  ValueError)
log = logging.getLogger("green_egret.mail")  # a child of the portal's JSON logger (ui/json_logs.py)
_sender: threading.Thread | None = None
_sender_lock = threading.Lock()


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    given_up: int = 0  # of the failed, those that reached MAX_ATTEMPTS
    last_error: str | None = None


def send_due(*, limit: int | None = None, now: datetime | None = None) -> Delivery:
    """Send the letters that are due, at most `limit`, after deleting a batch of long-sent ones. `now` fixes the
    clock (tests); by default every claim and mark reads the real one, so a long round's later claims get their
    full lease."""
    settings = get_settings().smtp
    delivery = Delivery()
    if settings is None:
        return delivery
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    prune_sent(now=clock())
    server: smtplib.SMTP | None = None
    try:
        while (room := _room(limit, delivery)) and (letters := claim_due(limit=room, now=clock())):
            try:
                server = server or _connect(settings)
            except OSError as error:  # smtplib's errors are OSErrors too
                _fail(delivery, letters, error, clock())
                break
            if not _send_claim(server, settings, letters, delivery, clock):
                break
    finally:
        if server is not None:
            _close(server)
    return delivery


def _room(limit: int | None, delivery: Delivery) -> int:
    left = CLAIM_BATCH if limit is None else limit - delivery.sent - delivery.failed
    return max(0, min(CLAIM_BATCH, left))


def _send_claim(server: smtplib.SMTP, settings: SmtpSettings, letters: list[MailOutbox], delivery: Delivery,
                clock: Callable[[], datetime]) -> bool:
    """Send one claim's letters, each marked sent as soon as the server took it; False when the connection broke
    (the rest of the claim failed with it)."""
    for index, letter in enumerate(letters):
        try:
            server.send_message(_message(settings, letter))
        except LETTER_REFUSED as error:
            _fail(delivery, [letter], error, clock())
        except OSError as error:
            _fail(delivery, letters[index:], error, clock())
            return False
        else:
            mark_sent(letter, now=clock())
            delivery.sent += 1
    return True


def _fail(delivery: Delivery, letters: list[MailOutbox], error: Exception, now: datetime) -> None:
    reason = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    log.warning("inbox mail: %d letters not sent: %s", len(letters), reason)
    delivery.failed += len(letters)
    delivery.given_up += mark_failed(letters, error=reason, now=now)
    delivery.last_error = reason


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())  # smtplib's own default checks no certificate
        if settings.user and settings.password:
            server.login(settings.user, settings.password)
    except BaseException:
        server.close()
        raise
    return server


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except OSError:  # the connection is gone already
        server.close()


def _message(settings: SmtpSettings, letter: MailOutbox) -> EmailMessage:
    """The letter as queued; its Message-ID names the row, so a letter sent again after a crash is the same one."""
    domain = settings.from_address.rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.from_address, letter.address, letter.subject
    message["Date"] = format_datetime(letter.created_at)
    message["Message-ID"] = f"<outbox.{letter.id}.{letter.created_at:%Y%m%d%H%M%S}@{domain}>"
    message["Content-Language"] = letter.language
    message.set_content(letter.body)
    return message


def start_sender(*, interval: float = SENDER_INTERVAL_SECONDS, stop: threading.Event | None = None
                 ) -> threading.Thread | None:
    """Once per process, from app.py's start-up: a daemon thread that sends what is due every `interval` seconds,
    so a city without cron still gets its mail. None when mail is off. It belongs to the process, not to a page:
    started outside any script run, it has no Streamlit context and no visitor waits for it."""
    global _sender
    if get_settings().smtp is None:
        return None
    with _sender_lock:
        if _sender is None or not _sender.is_alive():
            _sender = threading.Thread(target=_keep_sending, args=(interval, stop or threading.Event()),
                                       name="green-egret-mail", daemon=True)
            _sender.start()
        return _sender


def _keep_sending(interval: float, stop: threading.Event) -> None:
    """Round after round until `stop`; a round that fails (the database away, a bug) is logged, not fatal."""
    while True:
        try:
            delivery = send_due()
            if delivery.sent or delivery.failed:
                log.info("inbox mail: %d sent, %d failed", delivery.sent, delivery.failed)
        except Exception:
            log.exception("inbox mail: this round failed; the next one tries again")
        if stop.wait(interval):
            return
