"""Download my data holds everything about me; deleting my account anonymises me and the ledger still verifies."""
import csv
import io
import uuid
import zipfile
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import (
    Balance,
    Certificate,
    Claim,
    InboxMessage,
    LedgerEntry,
    ProblemReport,
    ProjectGift,
    Redemption,
    Reward,
    User,
)
from manage import main as manage
from points.accounts.privacy import delete_my_account, export_my_data
from points.accounts.signin import session_id_for_token, sign_in, start_session, user_for_session
from points.catalogue.actions import load_catalogue
from points.certificates.codes import certificate_code
from points.certificates.issuing import issue_gift
from points.claims.lifecycle import submit_claim
from points.common.errors import DomainError
from points.common.images import clean_photo
from points.inbox.mail import set_mail_address
from points.inbox.messages import mark_read, notify
from points.ledger.chain import GENESIS_HASH, chain_hash
from points.problems.filing import file_report, join_report
from points.projects.refunds import cancel_and_refund
from points.rewards.redemptions import load_rewards, redeem
from tests.conftest import TEST_SECRET
from tests.support.projects import gift, open_project

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PASSWORD = "correct-horse-9"


@pytest.fixture
def active_resident(make_user):
    """A resident with a claim carrying a note, a redemption and an open sign-in session."""
    with write_session() as session:
        load_catalogue(session)
        load_rewards(session)
    user = make_user("paula", district="思明", nickname="Paula", leaderboard_opt_in=True)
    with write_session() as session:
        # 3 kg self-reported: 1237 points, enough for the tree (a self-report earns half, issue 13)
        submit_claim(session, user_id=user.id, action_code="plastic", quantity=3, occurred_at=NOW,
                     idempotency_key=f"claim:{uuid.uuid4()}", note="bottles from 软件园", now=NOW)
        reward_id = session.execute(select(Reward.id).where(Reward.code == "donate_tree")).scalar_one()
        redeem(session, user_id=user.id, reward_id=reward_id, request_id=str(uuid.uuid4()), now=NOW)
        token, _ = start_session(session, user_id=user.id, now=NOW)
    return user, token


def read_zip(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                for name in archive.namelist() if name.endswith(".csv")}


def chain_is_valid(user_id: int) -> bool:
    with read_session() as session:
        entries = session.execute(select(LedgerEntry).where(LedgerEntry.user_id == user_id)
                                  .order_by(LedgerEntry.seq)).scalars().all()
        balance = session.get(Balance, user_id)
    previous = GENESIS_HASH
    for entry in entries:
        if entry.prev_hash != previous or chain_hash(previous, entry) != entry.hash:
            return False
        previous = entry.hash
    return balance.head_hash == previous and balance.points == sum(entry.points for entry in entries)


def test_the_export_holds_my_profile_claims_ledger_checkins_and_redemptions(active_resident):
    user, _ = active_resident
    with read_session() as session:
        files = read_zip(export_my_data(session, user_id=user.id))
    assert {"profile.csv", "claims.csv", "ledger.csv", "checkins.csv", "redemptions.csv"} <= set(files)
    assert files["profile.csv"][0]["username"] == "paula" and files["profile.csv"][0]["district"] == "思明"
    assert "password_hash" not in files["profile.csv"][0]
    assert [row["note"] for row in files["claims.csv"]] == ["bottles from 软件园"]
    assert [row["kind"] for row in files["ledger.csv"]] == ["earn", "redeem"]
    assert files["redemptions.csv"][0]["code"].startswith("GE-")
    assert files["checkins.csv"] == []


def test_the_export_holds_nobody_elses_data(active_resident, make_user):
    other = make_user("quinn")
    with read_session() as session:
        files = read_zip(export_my_data(session, user_id=other.id))
    assert files["claims.csv"] == [] and files["ledger.csv"] == [] and files["redemptions.csv"] == []


def test_deleting_needs_the_password_and_changes_nothing_without_it(active_resident):
    user, _ = active_resident
    with pytest.raises(DomainError) as refused:
        delete_my_account(user_id=user.id, password="wrong password")
    assert refused.value.code == "password_wrong"
    with read_session() as session:
        assert session.get(User, user.id).username == "paula"


def test_deleting_anonymises_ends_sessions_and_the_ledger_still_verifies(active_resident):
    user, token = active_resident
    with read_session() as session:
        before = session.get(Balance, user.id).points
        entries = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    delete_my_account(user_id=user.id, password=PASSWORD)
    with write_session() as session:
        row = session.get(User, user.id)
        assert row.username != "paula" and "paula" not in row.username.lower()
        assert (row.display_name, row.district, row.nickname, row.leaderboard_opt_in) == ("—", None, None, False)
        assert row.deleted_at is not None
        assert session.execute(select(Claim.note)).scalar_one() is None
        assert user_for_session(session, session_id=session_id_for_token(token)) is None
        assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
        assert session.get(Balance, user.id).points == before
        assert session.execute(select(func.count()).select_from(Redemption)).scalar_one() == 1
    with pytest.raises(DomainError, match="signin_failed"):
        sign_in(username="paula", password=PASSWORD, client="local")
    assert chain_is_valid(user.id)
    assert manage(["verify-ledger"]) == 0


def test_deleting_blanks_the_note_and_photo_of_the_residents_reports_and_keeps_the_report(active_resident):
    user, _ = active_resident
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 200)).save(buffer, format="JPEG")
    with write_session() as session:
        report_id = file_report(session, user_id=user.id, kind="marine_litter", lat=24.43, lon=118.11,
                                note="Behind Paula's house", photo=clean_photo(buffer.getvalue())).id
    delete_my_account(user_id=user.id, password=PASSWORD)
    with read_session() as session:
        report = session.get(ProblemReport, report_id)
        assert (report.note, report.photo, report.photo_type) == (None, None, None)
        assert (report.kind, report.status) == ("marine_litter", "new")


def test_the_export_holds_my_reports_with_their_photos_and_the_ones_i_joined(active_resident, make_user):
    user, _ = active_resident
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 200)).save(buffer, format="JPEG")
    photo, quinn = clean_photo(buffer.getvalue()), make_user("quinn")
    with write_session() as session:
        mine = file_report(session, user_id=user.id, kind="marine_litter", lat=24.43, lon=118.11,
                           note="Bottles under the boardwalk", photo=photo).id
        theirs = file_report(session, user_id=quinn.id, kind="illegal_dumping", lat=24.45, lon=118.08,
                             note="Quinn's words").id
        join_report(session, user_id=user.id, report_id=theirs)
    with read_session() as session:
        data = export_my_data(session, user_id=user.id)
    files = read_zip(data)
    [row] = files["reports.csv"]
    assert (int(row["id"]), row["kind"], row["note"], row["status"]) == (mine, "marine_litter",
                                                                        "Bottles under the boardwalk", "new")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read(row["photo_file"]) == photo.data
    assert [int(row["report_id"]) for row in files["same_problem.csv"]] == [theirs]
    assert "Quinn's words" not in data.decode("latin-1")  # whose report it is stays theirs


APPEAL_REASON = "The photo shows 软件园 and Paula's neighbour, not the bottles"


@pytest.fixture
def paula_gave_and_heard(active_resident, make_user):
    """Paula gave to two projects (the first cancelled and refunded), holds the certificate of the second gift,
    received three messages (the refund; an appeal's reason in an administrator's words; an expiry, read) and gave
    an address."""
    user, _ = active_resident
    admin = make_user("ada", role="admin")
    cancelled = open_project(admin.id, title_en="Trail benches", title_zh="步道长椅")
    gift(user.id, cancelled, 200)
    cancel_and_refund(actor_id=admin.id, project_id=cancelled)
    kept = gift(user.id, open_project(admin.id), 100)
    certificate = issue_gift(user_id=user.id, gift_id=kept.id)
    with write_session() as session:
        notify(session, user_id=user.id, topic="appeal_dismissed", params={"reason": APPEAL_REASON},
               key="appeal:test", now=NOW)
        notify(session, user_id=user.id, topic="points_expired", params={"points": 120, "year": "2025"},
               key="expired:test", now=NOW)
        expiry_id = session.execute(select(InboxMessage.id).where(InboxMessage.key == "expired:test")).scalar_one()
        mark_read(session, user_id=user.id, message_ids=[expiry_id], now=NOW)
        set_mail_address(session, user_id=user.id, address="paula@example.cn", opted_in=True, now=NOW)
    return user, certificate


def test_the_export_holds_my_gifts_certificates_inbox_and_mail_address(paula_gave_and_heard):
    user, certificate = paula_gave_and_heard
    with read_session() as session:
        data = export_my_data(session, user_id=user.id)
    files = read_zip(data)
    assert [(row["project_title_en"], row["points"], row["refunded"]) for row in files["project_gifts.csv"]] == [
        ("Trail benches", "200", "True"), ("Mangrove planting at Xiatanwei", "100", "False")]
    assert files["project_gifts.csv"][0]["refunded_at"] and not files["project_gifts.csv"][1]["refunded_at"]
    [stated] = files["certificates.csv"]
    assert (stated["kind"], stated["points"], stated["verification_code"]) == ("gift", "100",
                                                                               certificate_code(certificate))
    assert TEST_SECRET not in data.decode("latin-1")  # the code its QR link carries, never the signing secret
    inbox = {row["topic"]: row for row in files["inbox.csv"]}
    assert sorted(inbox) == ["appeal_dismissed", "gift_refunded", "points_expired"]
    appeal, expiry = inbox["appeal_dismissed"], inbox["points_expired"]
    assert inbox["gift_refunded"]["title"] == "积分已退回：步道长椅"
    assert (appeal["topic"], appeal["title"], appeal["read"]) == ("appeal_dismissed", "您的申诉未获支持", "False")
    assert appeal["body"] == f"管理员驳回了您的申诉：{APPEAL_REASON}" and APPEAL_REASON in appeal["params"]
    assert (expiry["title"], expiry["read"], bool(expiry["read_at"])) == ("120 积分已到期", "True", True)
    assert [(row["address"], row["opted_in"]) for row in files["mail_address.csv"]] == [("paula@example.cn", "True")]


def test_another_residents_export_holds_none_of_them(paula_gave_and_heard, make_user):
    with read_session() as session:
        files = read_zip(export_my_data(session, user_id=make_user("quinn").id))
    assert all(files[name] == [] for name in ("project_gifts.csv", "certificates.csv", "inbox.csv",
                                              "mail_address.csv"))


def test_deleting_blanks_the_free_text_of_my_messages_and_keeps_gifts_and_certificates(paula_gave_and_heard):
    user, certificate = paula_gave_and_heard
    delete_my_account(user_id=user.id, password=PASSWORD)
    with read_session() as session:
        messages = {message.topic: message for message in session.execute(
            select(InboxMessage).where(InboxMessage.user_id == user.id)).scalars()}
        gifts = session.execute(select(ProjectGift.points).where(ProjectGift.user_id == user.id)).scalars().all()
        kept = session.get(Certificate, certificate.id)
    assert messages["appeal_dismissed"].params == {"reason": ""}
    assert messages["points_expired"].params["points"] == 120  # numbers are no one's words
    assert messages["gift_refunded"].params["title_zh"] == "步道长椅"  # the project's name, an admin's, stays
    assert {message.key for message in messages.values()} - {"appeal:test", "expired:test"} == {
        messages["gift_refunded"].key}  # a resend stays out
    assert sorted(gifts) == [100, 200] and kept.points == 100  # the projects' totals and the paper's figures
