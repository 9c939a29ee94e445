"""The inbox page (newest first, unread marked, marked read by a tap), the home page's notice of points that
expire this year, and the account page's e-mail opt-in, as residents see them in zh and en."""
from datetime import UTC, datetime, timedelta

import pytest

from db.engine import read_session, write_session
from points.expiry.policy import year_start
from points.inbox.mail import mail_address
from points.inbox.messages import notify, unread_count
from tests.support.ledger import credit

pytestmark = pytest.mark.timeout(180)
INBOX, HOME, ACCOUNT = "pages/resident/inbox.py", "pages/resident/home.py", "pages/resident/account.py"


def send(user_id: int, key: str, *, topic: str, params: dict, when: datetime) -> None:
    with write_session() as session:
        notify(session, user_id=user_id, topic=topic, params=params, key=key, now=when)


def shown(app) -> str:
    return "\n".join(element.value for element in (*app.markdown, *app.caption, *app.info, *app.warning))


def unread(user_id: int) -> int:
    with read_session() as session:
        return unread_count(session, user_id=user_id)


@pytest.fixture
def two_messages(make_user):
    ann = make_user("ann")
    send(ann.id, "a", topic="appeal_dismissed", params={"reason": "no *ticket*"},
         when=datetime(2026, 3, 1, tzinfo=UTC))
    send(ann.id, "b", topic="points_expiring", params={"points": 120, "year": "2025", "expires_on": "2026-12-31"},
         when=datetime(2026, 12, 5, tzinfo=UTC))
    return ann


def test_the_inbox_lists_messages_newest_first_with_unread_marked(open_page, two_messages):
    app = open_page(INBOX, two_messages, lang="zh")
    assert not app.exception
    titles = [element.value for element in app.markdown if element.value.startswith(":blue-badge")]
    assert titles == [":blue-badge[未读] **120 积分将于 2026年12月31日 到期**",
                      ":blue-badge[未读] **您的申诉未获支持**"]
    assert "管理员驳回了您的申诉：no \\*ticket\\*" in shown(app)  # the admin's words as typed, not as Markdown
    assert "2 条未读" in shown(app)


def test_marking_one_read_keeps_the_other_unread_then_all_can_be_read(open_page, two_messages):
    app = open_page(INBOX, two_messages)
    buttons = [button for button in app.button if button.label == "Mark as read"]
    assert len(buttons) == 2
    buttons[0].click()
    app.run()
    assert unread(two_messages.id) == 1
    assert "1 unread" in shown(app)
    app.button(key="inbox_read_all").click()
    app.run()
    assert unread(two_messages.id) == 0
    assert not [button for button in app.button if button.label == "Mark as read"]


def test_an_empty_inbox_says_so(open_page, make_user):
    app = open_page(INBOX, make_user("bob"))
    assert [info.value for info in app.info] == ["No messages yet."]


def test_the_home_page_shows_points_expiring_this_year(open_page, make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_POINTS_EXPIRE_YEARS", "1")
    ann = make_user("ann")
    this_year = datetime.now(UTC).year
    credit(ann.id, 120, now=year_start(this_year - 1) + timedelta(days=40))
    app = open_page(HOME, ann)
    assert [warning.value for warning in app.warning] == [f"120 points expire on 31 Dec {this_year}."]
    app = open_page(HOME, ann, lang="zh")
    assert [warning.value for warning in app.warning] == [f"120 积分将于 {this_year}年12月31日 到期。"]


def test_the_home_page_says_nothing_while_points_never_expire(open_page, make_user):
    ann = make_user("ann")
    credit(ann.id, 120, now=year_start(datetime.now(UTC).year - 1) + timedelta(days=40))
    assert not open_page(HOME, ann).warning


def test_the_account_page_keeps_an_opted_in_address_when_mail_is_set_up(open_page, make_user, monkeypatch):
    ann = make_user("ann")
    assert not [field for field in open_page(ACCOUNT, ann).text_input if field.label == "E-mail address"]
    monkeypatch.setenv("GREEN_EGRET_SMTP_HOST", "127.0.0.1")
    app = open_page(ACCOUNT, ann)
    next(field for field in app.text_input if field.label == "E-mail address").input("ann@example.org")
    next(box for box in app.checkbox if box.label.startswith("Send me a copy")).check()
    next(button for button in app.button if button.label == "Save e-mail settings").click()
    app.run()
    assert "E-mail settings saved." in [success.value for success in app.success]
    with read_session() as session:
        saved = mail_address(session, user_id=ann.id)
    assert (saved.address, saved.opted_in) == ("ann@example.org", True)


def test_the_dashboard_counts_points_expiring_this_year_and_expired(open_page, make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_POINTS_EXPIRE_YEARS", "1")
    ann, admin = make_user("ann"), make_user("boss", role="admin")
    credit(ann.id, 120, now=year_start(datetime.now(UTC).year - 1) + timedelta(days=40))
    figures = {metric.label: metric.value for metric in open_page("pages/admin/dashboard.py", admin).metric}
    assert figures["Points expiring at the end of this year"] == "120"
    assert figures["Points expired so far"] == "0"
