"""The operator's commands and the demo seed."""
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from db.engine import read_session
from db.models import User
from points.accounts.signin import sign_in
from points.demo.seed import DEMO_PASSWORD, seed

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120)


def _snapshot() -> dict:
    from sqlmodel import SQLModel

    with read_session() as session:
        return {name: session.execute(table.select()).all() for name, table in SQLModel.metadata.tables.items()
                if name not in ("signinsession",)}


def test_demo_seed_creates_the_three_accounts_and_running_it_twice_changes_nothing():
    first = seed(demo=True)
    assert first["demo_accounts"] == 3
    before = _snapshot()
    second = seed(demo=True)
    assert set(second.values()) == {0}
    assert _snapshot() == before
    for username in ("resident", "organizer", "admin"):
        assert sign_in(username=username, password=DEMO_PASSWORD, client="local").user.role == username


def test_a_plain_seed_creates_no_demo_account():
    seed(demo=False)
    with read_session() as session:
        assert session.exec(select(User)).all() == []


def test_create_user_reads_the_password_from_stdin():
    result = _manage("create-user", "chief", "--role", "admin", stdin="sea-breeze-admin-1\n")
    assert result.returncode == 0, result.stderr
    with read_session() as session:
        assert session.exec(select(User.role).where(User.username == "chief")).one() == "admin"


def test_create_user_with_a_weak_password_fails_in_one_line_and_writes_nothing():
    result = _manage("create-user", "chief", "--role", "admin", stdin="1234\n")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "password_length" in result.stderr
    with read_session() as session:
        assert session.exec(select(User)).all() == []


def test_migrate_reports_the_revision():
    result = _manage("migrate")
    assert result.returncode == 0 and "revision" in result.stdout
