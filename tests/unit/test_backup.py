"""backup / restore: the round trip brings back the ledger exactly (verify-ledger green, the same ledger-head),
and a file that is not a backup is refused with the database unchanged. On SQLite and on PostgreSQL."""
import pytest

import manage
from db.engine import read_session
from points.ledger.verify import ledger_head_digest
from tests.support.ledger import balance_of, credit, entries_of


def _head() -> str:
    with read_session() as session:
        return ledger_head_digest(session)


def test_a_restored_backup_verifies_with_the_head_it_was_taken_at(make_user, tmp_path, capsys):
    ann, bob = make_user("ann"), make_user("bob")
    for user, points in ((ann, 120), (bob, 40), (ann, 15)):
        credit(user.id, points)
    head, kept = _head(), tmp_path / "city.backup"
    assert manage.main(["backup", "--out", str(kept)]) == 0 and kept.stat().st_size > 0

    credit(ann.id, 999)  # after the backup: the restore takes it away again
    assert _head() != head and balance_of(ann.id).points == 1134
    assert manage.main(["restore", str(kept)]) == 0

    assert (_head(), balance_of(ann.id).points, len(entries_of(ann.id))) == (head, 135, 2)
    capsys.readouterr()
    assert manage.main(["verify-ledger"]) == 0
    assert "ledger ok: 3 entries, 2 users" in capsys.readouterr().out


@pytest.mark.parametrize("content", [b"", b"not a backup at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_restoring_a_file_that_is_not_a_backup_changes_nothing(make_user, tmp_path, capsys, content):
    ann = make_user("ann")
    credit(ann.id, 120)
    head, bogus = _head(), tmp_path / "bogus.backup"
    bogus.write_bytes(content)
    assert manage.main(["restore", str(bogus)]) == 1
    assert "error: BackupError" in capsys.readouterr().err
    assert (_head(), balance_of(ann.id).points) == (head, 120)


def test_a_restore_on_postgresql_leaves_the_planner_its_statistics(make_user, tmp_path):
    """Without them, the planner takes the restored ledger for empty (autovacuum may be off, or late)."""
    from db.engine import get_engine

    if get_engine().dialect.name != "postgresql":
        pytest.skip("pg_restore and planner statistics are PostgreSQL's")
    credit(make_user("ann").id, 120)
    kept = tmp_path / "city.backup"
    assert manage.main(["backup", "--out", str(kept)]) == 0
    assert manage.main(["restore", str(kept)]) == 0
    with get_engine().connect() as connection:
        analyzed = connection.exec_driver_sql(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'ledgerentry'").scalar_one()
    assert analyzed


def test_restoring_a_missing_file_says_so(tmp_path, capsys):
    assert manage.main(["restore", str(tmp_path / "nowhere.backup")]) == 1
    assert "no backup at" in capsys.readouterr().err
