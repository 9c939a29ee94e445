"""Spreadsheet formula injection: user text that starts like a formula reaches every CSV as inert text.

A display name, nickname, district, claim note, ledger reason or username of `=HYPERLINK(...)`, `+1+1`,
`@SUM(A1)` or `-2+3` must come out of each export with a leading quote (spreadsheets show it as text), while
real numbers, negative points included, stay plain numbers a spreadsheet can sum.
"""
import csv
import io
import re
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from db.engine import read_session, write_session
from db.models import User
from manage import main as manage
from points.accounts.privacy import export_my_data
from points.catalogue.actions import load_catalogue
from points.checkin.checkpoints import attendance_csv
from points.claims.lifecycle import submit_claim
from points.common.spreadsheet import safe_cell
from points.ledger.adjustments import adjust
from points.ledger.statement import statement_csv
from points.reports.credit_feed import write_feed
from points.reports.dashboard import open_data_csv
from points.reports.rollups import refresh_rollups
from tests.support.checkin import make_checkpoint, scan
from tests.support.ledger import credit
from tests.unit.test_ledger_export_route import _call, _cookie_for

LINK = '=HYPERLINK("http://evil","x")'
PAYLOADS = (LINK, "+1+1", "@SUM(A1)", "-2+3")
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
DEBIT = -7  # each payload is the reason of one negative adjustment


def neutral(payload: str) -> str:
    return "'" + payload


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_no_live_formula(rows: list[dict]) -> None:
    """No cell may start like a formula unless it is a plain number (an adjustment's -7 stays -7)."""
    live = [(column, cell) for row in rows for column, cell in row.items()
            if cell and cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not is_number(cell)]
    assert live == []


@pytest.fixture
def planted(make_user):
    """A resident whose every free-text field is a formula, with ledger entries whose reasons are formulas."""
    with write_session() as session:
        load_catalogue(session)
    admin = make_user("boss", role="admin")
    mallory = make_user("mallory", display_name=LINK, nickname="@SUM(A1)", district="+1+1")
    credit(mallory.id, 100, now=NOW)
    for payload in PAYLOADS:
        with write_session() as session:
            adjust(session, actor_id=admin.id, username="mallory", points=DEBIT, reason=payload,
                   request_id=str(uuid.uuid4()), now=NOW)
    with write_session() as session:
        submit_claim(session, user_id=mallory.id, action_code="metro", quantity=3, occurred_at=NOW,
                     idempotency_key=f"claim:{uuid.uuid4()}", note="-2+3", now=NOW)
    return admin, mallory


def reasons(rows: list[dict]) -> set[str]:
    return {row["reason"] for row in rows if row["reason"]}


def debits(rows: list[dict]) -> list[str]:
    return [row["points"] for row in rows if row["kind"] == "adjust"]


def test_the_admin_ledger_download_neutralises_reasons_and_keeps_negative_points(planted):
    admin, _ = planted
    status, body = _call("username=mallory", _cookie_for(admin))
    rows = rows_of(body)
    assert status == 200
    assert reasons(rows) == {neutral(payload) for payload in PAYLOADS}
    assert debits(rows) == [str(DEBIT)] * len(PAYLOADS)
    assert_no_live_formula(rows)


def test_manage_export_ledger_neutralises_reasons_and_keeps_negative_points(planted, tmp_path):
    out = tmp_path / "ledger.csv"
    assert manage(["export-ledger", "--out", str(out)]) == 0
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert reasons(rows) == {neutral(payload) for payload in PAYLOADS}
    assert debits(rows) == [str(DEBIT)] * len(PAYLOADS)
    assert_no_live_formula(rows)


def test_the_residents_statement_download_neutralises_reasons(planted):
    _, mallory = planted
    with read_session() as session:
        rows = rows_of(statement_csv(session, user_id=mallory.id))
    assert reasons(rows) == {neutral(payload) for payload in PAYLOADS}
    assert debits(rows) == [str(DEBIT)] * len(PAYLOADS)
    assert_no_live_formula(rows)


def test_my_data_export_neutralises_profile_notes_and_reasons(planted):
    _, mallory = planted
    with read_session() as session:
        data = export_my_data(session, user_id=mallory.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: rows_of(archive.read(name).decode("utf-8")) for name in archive.namelist()}
    [profile] = files["profile.csv"]
    assert (profile["display_name"], profile["nickname"], profile["district"]) == (
        neutral(LINK), neutral("@SUM(A1)"), neutral("+1+1"))
    assert [row["note"] for row in files["claims.csv"]] == [neutral("-2+3")]
    assert reasons(files["ledger.csv"]) == {neutral(payload) for payload in PAYLOADS}
    assert debits(files["ledger.csv"]) == [str(DEBIT)] * len(PAYLOADS)
    for rows in files.values():
        assert_no_live_formula(rows)


def test_the_attendance_list_neutralises_volunteer_names_whatever_the_event_title(make_user):
    with write_session() as session:
        load_catalogue(session)
    organizer = make_user("olga", role="organizer")
    volunteer = make_user("vic", display_name="@SUM(A1)")
    start = datetime.now(UTC) - timedelta(hours=1)
    event = make_checkpoint(organizer.id, title_en=LINK, title_zh="+1+1", starts_at=start,
                            ends_at=start + timedelta(hours=3))
    scan(volunteer.id, event, now=start + timedelta(minutes=5))
    with read_session() as session:
        rows = rows_of(attendance_csv(session, actor_id=organizer.id, checkpoint_id=event))
    assert [row["display_name"] for row in rows] == [neutral("@SUM(A1)")]
    assert_no_live_formula(rows)


def test_the_open_data_neutralises_districts_and_keeps_negative_points(planted):
    admin, _ = planted
    refresh_rollups()
    with read_session() as session:
        rows = rows_of(open_data_csv(session, actor_id=admin.id))
    assert {row["district"] for row in rows} == {neutral("+1+1")}
    assert [row["points"] for row in rows if row["kind"] == "adjust"] == [str(DEBIT * len(PAYLOADS))]
    assert_no_live_formula(rows)


def test_the_credit_feed_neutralises_a_username_that_predates_the_username_rule(planted, tmp_path):
    _, mallory = planted
    with write_session() as session:
        session.get(User, mallory.id).username = "-2+3"  # imported before usernames were checked
    out = tmp_path / "feed.csv"
    with read_session() as session:
        assert write_feed(session, path=out, now=NOW) == 1
    rows = rows_of(out.read_text(encoding="utf-8"))
    assert [row["username"] for row in rows] == [neutral("-2+3")]
    assert_no_live_formula(rows)


@pytest.mark.parametrize("value", [LINK, "+1+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"])
def test_text_that_starts_like_a_formula_gets_a_leading_quote(value):
    assert safe_cell(value) == neutral(value)


@pytest.mark.parametrize("value", [-50, 0, 12, -1.5, Decimal("-2.25"), True, None, "", "Ann", "a=b", "'=quoted",
                                   NOW])
def test_numbers_and_ordinary_values_pass_unchanged(value):
    assert safe_cell(value) is value


def test_no_module_writes_csv_around_the_helper():
    """A new export that calls csv.writer itself would bring the hole back: only points/common/spreadsheet.py may."""
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.(writer|DictWriter)\(|\.to_csv\(")
    sources = [path for folder in ("points", "ui", "pages", "db") for path in (root / folder).rglob("*.py")]
    offenders = [str(path.relative_to(root)) for path in [*sources, root / "manage.py", root / "app.py"]
                 if writers.search(path.read_text(encoding="utf-8"))]
    assert offenders == ["points/common/spreadsheet.py"]
