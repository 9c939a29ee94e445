"""verify-ledger in several processes: ranges of users that together cover every id, the same answer as one
process on a sound ledger, and the first bad entry of the first bad range when one is broken."""
import subprocess
import sys

import manage
from points.ledger import verify_parallel
from points.ledger.verify_parallel import user_ranges, verify_ledger_parallel
from tests.support.ledger import entries_of, load, log
from tests.support.tamper import tamper


def test_ranges_share_the_entries_and_leave_no_user_id_out():
    heads = [(1, 10), (2, 10), (5, 10), (9, 10)]
    assert user_ranges(heads, 1) == [(None, None)]
    assert user_ranges(heads, 2) == [(None, 2), (2, None)]
    assert user_ranges(heads, 4) == [(None, 1), (1, 2), (2, 5), (5, None)]
    assert user_ranges([(1, 1), (2, 100)], 3) == [(None, 2), (2, None)]  # no empty range for a user's share


def _city(make_user, people=6):
    load()
    users = [make_user(f"user{number}") for number in range(people)]
    for number, user in enumerate(users):
        for _ in range(number + 1):
            log(user.id, "metro", 3)
    return users


def test_two_processes_count_what_one_counts(make_user, capsys):
    _city(make_user)
    one, two = verify_ledger_parallel(1), verify_ledger_parallel(2)
    assert one.ok and two.ok and (two.users, two.entries) == (one.users, one.entries) == (6, 21)
    assert manage.main(["verify-ledger", "--workers", "2"]) == 0
    assert "ledger ok: 21 entries, 6 users" in capsys.readouterr().out


def test_a_broken_chain_in_the_last_range_is_named(make_user, database, capsys):
    users = _city(make_user)
    last = entries_of(users[-1].id)
    tamper(database, ("UPDATE ledgerentry SET points = points + 1 WHERE id = :id", {"id": last[3].id}))
    bad = verify_ledger_parallel(2).first_bad
    assert (bad.user_id, bad.seq, bad.problem) == (users[-1].id, 4, "hash")
    assert manage.main(["verify-ledger", "--workers", "2"]) == 1
    assert f"'user': {users[-1].id}" in capsys.readouterr().err


def test_entries_of_a_user_without_a_balance_are_still_read(make_user, database):
    users = _city(make_user)
    tamper(database, ("DELETE FROM balance WHERE user_id = :id", {"id": users[-1].id}))
    bad = verify_ledger_parallel(2).first_bad
    assert (bad.user_id, bad.problem) == (users[-1].id, "no_balance")


def test_a_worker_that_dies_fails_the_command_in_one_line(make_user, monkeypatch, capsys):
    _city(make_user)
    dying = [sys.executable, "-c", "import sys; print('Traceback ...', file=sys.stderr); sys.exit('database gone')"]
    monkeypatch.setattr(verify_parallel, "_start", lambda bounds: subprocess.Popen(
        dying, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    assert manage.main(["verify-ledger", "--workers", "2"]) == 1
    err = capsys.readouterr().err.strip()
    assert "a verify-ledger worker failed: database gone" in err and len(err.splitlines()) == 1
