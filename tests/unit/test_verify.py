"""Ledger verification: any edit, deletion or swap of a ledger row is named by verify-ledger."""
from datetime import timedelta

import pytest
from sqlalchemy import text

import manage
from db.engine import engine_for, read_session
from db.models import LedgerEntry
from points.ledger.verify import ledger_head_digest, verify_ledger
from tests.support.ledger import entries_of, load, log
from tests.support.tamper import tamper


@pytest.fixture
def three_entries(make_user):
    """Two users: ann with entries seq 1..3, bob with one; returns ann's entries."""
    load()
    ann, bob = make_user("ann"), make_user("bob")
    for code, quantity in (("metro", 10), ("paper", 2), ("bus", 5)):
        log(ann.id, code, quantity)
    log(bob.id, "walk", 1)
    return entries_of(ann.id)


def report():
    with read_session() as session:
        return verify_ledger(session)


def test_an_untouched_ledger_verifies_and_the_command_exits_0(three_entries, capsys):
    assert report().ok and report().entries == 4
    assert manage.main(["verify-ledger"]) == 0
    assert "ledger ok: 4 entries" in capsys.readouterr().out


def new_value(entry: LedgerEntry, column: str):
    value = getattr(entry, column)
    if column == "created_at":
        return (value + timedelta(seconds=1)).isoformat()
    if column in ("kind",):
        return "adjust"
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1] != "0" else "1")
    if isinstance(value, float):
        return value + 1.0
    return (value or 0) + 7


MUTABLE = [name for name in LedgerEntry.model_fields if name not in ("id", "user_id", "seq")]


@pytest.mark.parametrize("column", MUTABLE)
def test_changing_any_column_fails_at_that_entry(three_entries, database, column, capsys):
    middle = three_entries[1]
    tamper(database, (f"UPDATE ledgerentry SET {column} = :value WHERE id = :id",
                      {"value": new_value(middle, column), "id": middle.id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq) == (middle.user_id, 2), bad
    assert manage.main(["verify-ledger"]) == 1
    assert "'seq': 2" in capsys.readouterr().err


def test_moving_an_entry_in_the_chain_fails(three_entries, database):
    middle = three_entries[1]
    tamper(database, ("UPDATE ledgerentry SET seq = 9 WHERE id = :id", {"id": middle.id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (middle.user_id, 2, "missing")


def test_deleting_an_entry_fails_at_its_place(three_entries, database):
    tamper(database, ("DELETE FROM ledgerentry WHERE id = :id", {"id": three_entries[1].id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (three_entries[1].user_id, 2, "missing")


def test_deleting_the_newest_entry_fails_at_the_balance(three_entries, database):
    tamper(database, ("DELETE FROM ledgerentry WHERE id = :id", {"id": three_entries[2].id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (three_entries[2].user_id, 3, "balance")


def test_swapping_two_entries_fails_at_the_first(three_entries, database):
    first, second = three_entries[0], three_entries[1]
    tamper(database, ("UPDATE ledgerentry SET seq = -1 WHERE id = :id", {"id": first.id}))
    tamper(database, ("UPDATE ledgerentry SET seq = 1 WHERE id = :id", {"id": second.id}))
    tamper(database, ("UPDATE ledgerentry SET seq = 2 WHERE id = :id", {"id": first.id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (first.user_id, 1, "prev_hash")


def test_a_balance_edited_to_match_nothing_fails(three_entries, database):
    tamper(database, ("UPDATE balance SET points = points + 100 WHERE user_id = :id",
                      {"id": three_entries[0].user_id}))
    assert report().first_bad.problem == "balance"


def test_the_database_itself_refuses_updates_and_deletes(three_entries, database):
    for statement in ("UPDATE ledgerentry SET points = 1", "DELETE FROM ledgerentry"):
        with pytest.raises(Exception, match="append-only"), engine_for(database).begin() as connection:
            connection.execute(text(statement))
    assert report().ok


def test_head_digest_changes_with_every_new_entry(three_entries, capsys):
    with read_session() as session:
        before = ledger_head_digest(session)
    assert manage.main(["ledger-head"]) == 0 and capsys.readouterr().out.strip() == before
    log(three_entries[0].user_id, "walk", 1)
    with read_session() as session:
        assert ledger_head_digest(session) not in (before, "")


def test_export_writes_every_entry(three_entries, tmp_path):
    out = tmp_path / "ledger.csv"
    assert manage.main(["export-ledger", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and lines[0].startswith("id,user_id,username,seq,kind") and ",metro," in lines[1]


def test_moving_an_entry_to_another_user_fails(three_entries, database):
    middle = three_entries[1]
    tamper(database, ("UPDATE ledgerentry SET user_id = user_id + 1 WHERE id = :id", {"id": middle.id}))
    bad = report().first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (middle.user_id, 2, "missing")
