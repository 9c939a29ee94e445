"""Catalogue version 2 (issue 13): a database seeded with version 1 takes the new rows as current, entries keep
the version they used; the self-report share and cap are read and checked like every other field."""
import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import ActionType
from points.catalogue.actions import CATALOGUE_FILE, current_action, load_catalogue, read_catalogue_file, revise_action
from points.common.errors import DomainError
from tests.support.ledger import NOON, entries_of, log


def catalogue_copy(tmp_path: Path, *, keep=lambda row: True, change=None) -> Path:
    """The real catalogue file, filtered and edited, written next to the test."""
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, [row for row in reader if keep(row)]
    for row in rows:
        row.update((change or {}).get(row["code"], {}))
    path = tmp_path / "catalogue.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_database_on_version_1_moves_to_version_2_and_old_entries_keep_version_1(tmp_path, make_user):
    with write_session() as session:
        load_catalogue(session, path=catalogue_copy(tmp_path, keep=lambda row: row["version"] == "1"))
    ann = make_user("ann")
    # version 1: 1660 g/kg, half credited, no self-report share (the day before: its own self-report cap)
    before = log(ann.id, "low_value", 2, when=NOON - timedelta(days=1), now=NOON)
    with write_session() as session:
        added = load_catalogue(session)
    after = log(ann.id, "low_value", 2)  # version 2: 102 g/kg, half credited, half of that self-reported
    assert added == 11 and (before.points, after.points) == (1660, 51)
    first, second = entries_of(ann.id)
    with read_session() as session:
        used = [session.get(ActionType, entry.action_type_id) for entry in (first, second)]
        assert [(action.version, action.current, action.factor_g) for action in used] == [
            (1, False, 1660), (2, True, 102)]
        assert current_action(session, code="kitchen").factor_kind == "points_only"
        with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
            shipped_codes = {row["code"] for row in csv.DictReader(handle)}
        assert {action.code for action in session.exec(select(ActionType).where(ActionType.current))} == shipped_codes


@pytest.mark.parametrize(("change", "problem"), [
    ({"self_share": "0"}, "share out of range"), ({"self_share": "1.5"}, "share out of range"),
    ({"self_daily_cap": "61"}, "above the verified cap"), ({"self_daily_cap": "-1"}, "above the verified cap")])
def test_a_bad_self_report_share_or_cap_fails_loudly_at_start(tmp_path, change, problem):
    path = catalogue_copy(tmp_path, change={"metro": change})
    with pytest.raises(ValueError, match=problem):
        read_catalogue_file(path)


def test_blank_self_report_columns_mean_the_whole_credit_and_no_own_cap(tmp_path):
    path = catalogue_copy(tmp_path, change={"metro": {"self_share": "", "self_daily_cap": ""}})
    metro = [row for row in read_catalogue_file(path) if row["code"] == "metro"]
    assert {(row["self_share"], row["self_daily_cap"]) for row in metro} == {(1.0, None)}


def test_an_admin_revises_the_self_report_share_and_cap_as_a_new_version(make_user):
    with write_session() as session:
        load_catalogue(session)
    admin = make_user("root", role="admin")
    with write_session() as session:
        revised = revise_action(session, actor_id=admin.id, code="bus", self_share=0.25, self_daily_cap=10)
    assert (revised.version, revised.self_share, revised.self_daily_cap) == (3, 0.25, 10)
    with write_session() as session, pytest.raises(DomainError) as refused:
        revise_action(session, actor_id=admin.id, code="bus", self_daily_cap=61)
    assert refused.value.code == "catalogue_value_invalid"
