"""Issue 11, medium: renumbered entry ids no longer pass verify-ledger, nor an anchor kept outside.

Appeals, reversals and receipts point at entries by id. The id is now hashed with the entry, so renumbering
(even consistently, references included) breaks the chain at the first renumbered entry; and an anchor
(`ledger-head --append`) catches it even when whoever renumbered also held the secret and rebuilt the chains.
"""
from datetime import UTC, datetime

import pytest

import manage
from db.engine import read_session, write_session
from db.models import Appeal
from points.claims.lifecycle import reject_claim
from points.score.appeals import file_appeal
from tests.support.ledger import credit, entries_of, load, log
from tests.support.tamper import rehash_with_the_secret, tamper

ANCHORED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
RENUMBERINGS = {
    # every id 100 higher, with the reversal's original and the appeal's target
    "shift": ["UPDATE ledgerentry SET id = id + 100, original_entry_id = original_entry_id + 100",
              "UPDATE appeal SET entry_id = entry_id + 100"],
    # ann's reversal (id 3, appealed) and bob's credit (id 2) trade ids; the appeal follows the reversal
    "swap": ["UPDATE ledgerentry SET id = -2 WHERE id = 2", "UPDATE ledgerentry SET id = 2 WHERE id = 3",
             "UPDATE ledgerentry SET id = 3 WHERE id = -2", "UPDATE appeal SET entry_id = 2 WHERE entry_id = 3"],
}
# the first entry verify-ledger names: (ann's seq, its id after renumbering)
FIRST_BAD = {"shift": (1, 101), "swap": (2, 2)}
ANCHOR_PROBLEM = {"shift": "3 entries were deleted or renumbered up to id 3",
                  "swap": "the entries up to id 3 were changed, reordered or renumbered"}


@pytest.fixture
def appealed_reversal(make_user, tmp_path, monkeypatch, capsys):
    """ann's credit (id 1), bob's (id 2), the reversal of ann's (id 3) under appeal; then an anchor file."""
    load()
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("root", role="admin")
    credited = log(ann.id, "metro", 10)
    credit(bob.id, 40)
    with write_session() as session:
        reject_claim(session, actor_id=admin.id, claim_id=credited.claim.id, reason="duplicate trip")
    earn, reversal = entries_of(ann.id)
    with write_session() as session:
        file_appeal(session, user_id=ann.id, entry_id=reversal.id, note="it was a real trip")
    assert (earn.id, reversal.id, reversal.original_entry_id) == (1, 3, 1)
    path = tmp_path / "anchors.jsonl"
    monkeypatch.setattr("points.ledger.anchors.utcnow", lambda: ANCHORED_AT)
    assert manage.main(["ledger-head", "--append", str(path)]) == 0 and manage.main(["verify-ledger"]) == 0
    capsys.readouterr()
    return ann, path


def verify(*args: str, capsys) -> tuple[int, str]:
    code = manage.main(["verify-ledger", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("how", RENUMBERINGS)
def test_renumbered_ids_fail_verify_ledger_naming_the_entry(appealed_reversal, database, capsys, how):
    ann, _ = appealed_reversal
    tamper(database, *RENUMBERINGS[how])
    with read_session() as session:
        assert session.get(Appeal, 1).entry_id == (103 if how == "shift" else 2)  # references followed
    seq, entry_id = FIRST_BAD[how]
    code, output = verify(capsys=capsys)
    assert code == 1 and "ledger_invalid" in output, output
    assert f"'user': {ann.id}, 'seq': {seq}" in output, output
    assert f"entry id {entry_id} (edited or renumbered)" in output, output


@pytest.mark.parametrize("how", RENUMBERINGS)
def test_the_anchor_catches_renumbering_even_with_the_chains_rebuilt(appealed_reversal, database, capsys, how):
    _, anchors = appealed_reversal
    tamper(database, *RENUMBERINGS[how])
    tamper(database, *rehash_with_the_secret())
    assert verify(capsys=capsys) == (0, "ledger ok: 3 entries, 3 users\n")  # the chains cannot tell any more
    code, output = verify("--against", str(anchors), capsys=capsys)
    assert code == 1 and "ledger_anchor_broken" in output, output
    assert f"'anchor': '2026-12-01T10:00:00Z', 'line': 1, 'problem': '{ANCHOR_PROBLEM[how]}'" in output, output
