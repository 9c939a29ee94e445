"""The operator's partner commands (create, rotate, desk link codes, CSV import) and the demo partners."""
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

import manage
from db.engine import read_session
from db.models import PartnerLink, PartnerLinkCode
from points.demo.seed import seed
from points.partners import imports
from points.partners.registry import partner_by_name, signing_secrets
from points.partners.signing import sign, signature_ok
from tests.support.ledger import balance_of, load
from tests.support.partners import (
    CREDIT_TABLES,
    event,
    every_row,
    link_resident,
    make_partner,
    redeem,
    row_counts,
    send,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def catalogue():
    load()


def run(capsys, *argv) -> tuple[int, str, str]:
    code = manage.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def printed(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def secrets_of(name: str) -> list[str]:
    with read_session() as session:
        return signing_secrets(session, partner_id=partner_by_name(session, name=name).id)


def test_create_partner_prints_its_id_and_a_secret_that_signs():
    result = subprocess.run([sys.executable, "manage.py", "create-partner", "metro-co", "--kind", "transit",
                             "--actions", "metro,bus"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    values = printed(result.stdout)
    assert secrets_of("metro-co") == [values["secret"]] and values["partner_id"].isdigit()


def test_create_partner_with_an_action_not_in_the_catalogue_fails_in_one_line(capsys):
    code, _, err = run(capsys, "create-partner", "metro-co", "--actions", "metro,teleport")
    assert code == 1 and err.count("\n") == 1 and "partner_action_unknown" in err and "teleport" in err
    with read_session() as session:
        assert session.exec(select(PartnerLink)).all() == []


def test_rotate_partner_key_prints_a_new_secret_and_keeps_the_old_one_for_the_overlap(capsys):
    old = make_partner("metro-co").secret
    code, out, err = run(capsys, "rotate-partner-key", "metro-co", "--overlap-hours", "2")
    assert code == 0, err
    assert set(secrets_of("metro-co")) == {old, printed(out)["secret"]} and "old keys valid until" in out
    assert run(capsys, "rotate-partner-key", "nobody")[0] == 1


def test_link_code_records_consent_given_in_person_by_the_operator(capsys, make_user):
    ann = make_user("ann")
    partner = make_partner("metro-co").partner
    code, out, err = run(capsys, "link-code", "ann", "metro-co", "--operator", "Desk 3")
    assert code == 0, err
    assert redeem(partner.id, out.splitlines()[0], "card-123") == "linked"
    with read_session() as session:
        issued = session.exec(select(PartnerLinkCode)).one()
        link = session.exec(select(PartnerLink)).one()
    assert (issued.method, issued.operator, link.user_id, link.method) == ("desk", "Desk 3", ann.id, "desk")
    assert run(capsys, "link-code", "nobody", "metro-co")[0] == 1


CSV = """id,subject,action,quantity,occurred_at
t1,card-123,metro,10,{at}
t2,card-999,metro,10,{at}
t3,card-123,bus,lots,{at}
t4,card-123,bus,5
t5,card-123,bus,5,{at}
"""
CREDITED = 467 + 134  # metro 10 km at 46.7 g/km, bus 5 km at 26.9 g/km


@pytest.fixture
def csv_file(tmp_path, make_user, monkeypatch):
    """A linked resident's trips of an hour ago (the command runs on the real clock), and chunks of two rows."""
    ann = make_user("ann")
    link_resident(ann.id, make_partner("metro-co").partner.id, "card-123")
    monkeypatch.setattr(imports, "MAX_BATCH", 2)
    path = tmp_path / "trips.csv"
    path.write_text(CSV.format(at=(datetime.now(UTC) - timedelta(hours=1)).isoformat()), encoding="utf-8")
    return path, ann


def import_file(capsys, path, *extra):
    return run(capsys, "import-partner", str(path), "--partner", "metro-co", *extra)


def test_a_dry_run_shows_every_outcome_and_writes_nothing_at_all(capsys, csv_file):
    path, ann = csv_file
    before = every_row()
    code, out, err = import_file(capsys, path, "--dry-run")
    assert code == 0, err
    assert every_row() == before and balance_of(ann.id).points == 0
    assert "dry run, nothing written" in out and "row 3 id='t2': unknown_subject" in out
    assert "row 4 id='t3': invalid (quantity is not a number)" in out
    assert "row 5 id='t4': invalid (wrong number of fields)" in out
    table = {line.split()[0]: line.split()[1] for line in out.splitlines()[-9:]}
    assert (table["credited"], table["unknown_subject"], table["invalid"], table["points"]) == ("2", "1", "2",
                                                                                                 str(CREDITED))


def test_an_import_credits_in_chunks_and_running_it_again_writes_nothing(capsys, csv_file):
    path, ann = csv_file
    code, out, err = import_file(capsys, path)
    assert code == 0, err
    assert balance_of(ann.id).points == CREDITED
    assert err == "\r4/5 rows\r5/5 rows\n"  # the two malformed rows, a chunk of two, then the last one
    before = row_counts(CREDIT_TABLES)
    code, out, _ = import_file(capsys, path)
    table = {line.split()[0]: line.split()[1] for line in out.splitlines()[-9:]}
    assert code == 0 and (table["duplicate"], table["credited"], table["points"]) == ("2", "0", "0")
    assert row_counts(CREDIT_TABLES) == before and balance_of(ann.id).points == CREDITED


def test_a_file_without_the_columns_or_for_an_unknown_partner_fails_in_one_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,subject\nx,y\n", encoding="utf-8")
    make_partner("metro-co")
    code, _, err = import_file(capsys, path)
    assert code == 1 and "partner_import_columns" in err and err.count("\n") == 1
    path.write_text(CSV.format(at=datetime.now(UTC).isoformat()), encoding="utf-8")
    code, _, err = run(capsys, "import-partner", str(path), "--partner", "nobody")
    assert code == 1 and "partner_unknown" in err


def test_the_demo_has_a_metro_with_the_resident_linked_and_a_recycler_and_seeding_twice_adds_nothing(capsys):
    assert seed(demo=True)["demo_partners"] == 3
    before = every_row()
    assert seed(demo=True)["demo_partners"] == 0
    assert every_row() == before
    with read_session() as session:
        metro, recycler = (partner_by_name(session, name=name) for name in ("demo-metro", "demo-recycler"))
    assert (metro.kind, metro.actions) == ("transit", ["metro", "bus"])
    assert (recycler.kind, recycler.actions) == ("recycling_machine", ["paper", "plastic", "glass", "metal",
                                                                       "low_value"])
    code, out, _ = run(capsys, "rotate-partner-key", "demo-metro")  # how a demo user gets a working secret
    secret = printed(out)["secret"]
    with read_session() as session:
        secrets = signing_secrets(session, partner_id=metro.id)
    assert signature_ok(secrets, timestamp="1", signature=sign(secret, timestamp="1", body=b"{}"), body=b"{}",
                                        now=datetime.fromtimestamp(1, UTC))
    now = datetime.now(UTC)
    [result] = send(metro.id, event("demo-1", occurred_at=now), now=now)
    assert result.outcome == "credited"
