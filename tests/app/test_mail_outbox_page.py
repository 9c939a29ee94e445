"""A page whose action sends a resident an e-mail copy returns without talking to the mail server: the letter waits in
the outbox, and the portal's sender thread, started by app.py's start-up and never by a script run, delivers it."""
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Appeal, MailOutbox
from points.catalogue.actions import load_catalogue
from points.claims.lifecycle import reject_claim, submit_claim
from points.inbox.mail import set_mail_address
from points.score.appeals import decide_appeal
from tests.support.portal import ROOT
from tests.support.smtp import smtp_server

APPEALS = "pages/admin/appeals.py"
# Runs the app's lifespan (as `streamlit run` does), waits for the outbox to empty, and reports the threads.
START_AND_WAIT = """
import json, threading, time
from sqlmodel import select
from starlette.testclient import TestClient
import app
from db.engine import read_session
from db.models import MailOutbox

def unsent():
    with read_session() as session:
        return len([row for row in session.exec(select(MailOutbox)) if row.sent_at is None])

with TestClient(app.app) as client:
    deadline = time.monotonic() + 60
    while unsent() and time.monotonic() < deadline:
        time.sleep(0.05)
    print(json.dumps({"threads": [thread.name for thread in threading.enumerate()], "unsent": unsent()}))
"""


@pytest.fixture
def smtp(monkeypatch):
    with smtp_server(monkeypatch) as mailbox:
        yield mailbox


def an_appeal_of(user, admin) -> None:
    now = datetime.now(UTC)
    with write_session() as session:
        load_catalogue(session)
        claim_id = submit_claim(session, user_id=user.id, action_code="metro", quantity=10, occurred_at=now,
                                idempotency_key="claim:mail", now=now).claim.id
        reject_claim(session, actor_id=admin.id, claim_id=claim_id, reason="no ticket")
        session.add(Appeal(user_id=user.id, claim_id=claim_id, note="I had a ticket", created_at=now))
        set_mail_address(session, user_id=user.id, address="sam@example.org", opted_in=True)


def outbox() -> list[MailOutbox]:
    with read_session() as session:
        return list(session.exec(select(MailOutbox)))


def senders() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "green-egret-mail" and thread.is_alive()]


def test_deciding_an_appeal_queues_the_residents_letter_and_the_page_talks_to_no_mail_server(make_user, open_page,
                                                                                             smtp):
    sam, admin = make_user("sam", language="en"), make_user("ada", role="admin")
    an_appeal_of(sam, admin)
    app = open_page(APPEALS, admin)
    app.text_input(key="reason_1").input("The photo shows no ticket")
    app.button(key="dismiss_1").click().run()
    assert not app.exception
    assert "Decided: dismissed." in [success.value for success in app.success]
    [letter] = outbox()
    assert (letter.address, letter.sent_at) == ("sam@example.org", None)
    assert "The photo shows no ticket" in letter.body
    assert smtp.connections == 0 and smtp.letters == []
    assert senders() == []  # the script runs started no sender: only app.py's start-up does


def run_start_up(database: str, tmp_path) -> dict:
    env = {**os.environ, "DATABASE_URL": database, "GREEN_EGRET_DATA_DIR": str(tmp_path), "GREEN_EGRET_WARMUP": "0"}
    done = subprocess.run([sys.executable, "-c", START_AND_WAIT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_portals_start_up_starts_the_sender_which_delivers_the_letter(make_user, smtp, database, tmp_path):
    sam, admin = make_user("sam", language="en"), make_user("ada", role="admin")
    an_appeal_of(sam, admin)
    with write_session() as session:
        decide_appeal(session, actor_id=admin.id, appeal_id=1, uphold=False, reason="No ticket in the photo")
    started = run_start_up(database, tmp_path)
    assert "green-egret-mail" in started["threads"] and started["unsent"] == 0
    [(recipients, letter)] = smtp.letters
    assert recipients == ["sam@example.org"] and "No ticket in the photo" in letter.get_content()


def test_without_smtp_the_start_up_starts_no_sender(database, tmp_path, monkeypatch):
    monkeypatch.delenv("GREEN_EGRET_SMTP_HOST", raising=False)
    assert "green-egret-mail" not in run_start_up(database, tmp_path)["threads"]
