"""Giving points to public projects: one entry per gift, never over the balance or the goal, refunds once each."""
import uuid

import pytest
from sqlalchemy import select

import points.projects.refunds as refunds
from db.engine import read_session, write_session
from db.models import AuditLog, InboxMessage, LedgerEntry, ProjectGift
from manage import main as manage
from points.common.errors import DomainError
from points.ledger.verify import verify_ledger
from points.projects.refunds import cancel_and_refund, refund_gift
from points.projects.registry import CANCELLED, FUNDED, PUBLIC, create_project, list_projects, set_status
from points.reports.dashboard import monthly_totals, point_totals
from points.reports.earned import EARNED_POINTS
from points.reports.rollups import refresh_rollups
from tests.support.ledger import balance_of, credit, entries_of
from tests.support.projects import count, gift, open_project, project


@pytest.fixture
def world(make_user):
    admin = make_user("ada", role="admin")
    rita, sam = make_user("rita"), make_user("sam")
    credit(rita.id, 500)
    credit(sam.id, 800)
    return {"admin": admin, "rita": rita, "sam": sam, "project": open_project(admin.id, goal=1000)}


def refused(code: str, write) -> None:
    with pytest.raises(DomainError) as caught:
        write()
    assert caught.value.code == code


def ledger_is_green() -> bool:
    with read_session() as session:
        return verify_ledger(session).ok


def test_a_gift_takes_the_points_moves_the_bar_and_writes_one_give_entry(world):
    rita, project_id = world["rita"], world["project"]
    given = gift(rita.id, project_id, 200)
    assert balance_of(rita.id).points == 300
    assert project(project_id).raised_points == 200
    [_, entry] = entries_of(rita.id)
    assert (entry.kind, entry.points, entry.idempotency_key, entry.id) == ("give", -200, given.idempotency_key,
                                                                         given.entry_id)
    assert given.idempotency_key.startswith("give:")
    assert ledger_is_green()


def test_a_retried_gift_returns_the_first_and_gives_once(world):
    rita, project_id = world["rita"], world["project"]
    request_id = str(uuid.uuid4())
    first = gift(rita.id, project_id, 200, request_id)
    again = gift(rita.id, project_id, 200, request_id)
    assert again.id == first.id
    assert balance_of(rita.id).points == 300 and project(project_id).raised_points == 200
    assert count(ProjectGift) == 1 and len(entries_of(rita.id)) == 2
    refused("idempotency_conflict", lambda: gift(rita.id, project_id, 50, request_id))


def test_more_than_the_balance_is_refused_and_writes_nothing(world):
    rita, project_id = world["rita"], world["project"]
    refused("insufficient_points", lambda: gift(rita.id, project_id, 501))
    assert balance_of(rita.id).points == 500 and len(entries_of(rita.id)) == 1
    assert count(ProjectGift) == 0 and project(project_id).raised_points == 0


def test_no_more_than_the_goal_still_needs_and_the_goal_reached_funds_it(world):
    rita, sam, project_id = world["rita"], world["sam"], world["project"]
    gift(sam.id, project_id, 800)
    refused("project_gift_over_goal", lambda: gift(rita.id, project_id, 201))
    gift(rita.id, project_id, 200)
    assert (project(project_id).raised_points, project(project_id).status) == (1000, FUNDED)
    refused("project_not_open", lambda: gift(rita.id, project_id, 1))


def test_drafts_and_odd_amounts_are_refused(world):
    admin, rita = world["admin"], world["rita"]
    with write_session() as session:
        draft = create_project(session, actor_id=admin.id, title_zh="步道设施", title_en="Trail facilities",
                               goal_points=100).id
    refused("project_not_open", lambda: gift(rita.id, draft, 10))
    refused("project_gift_range", lambda: gift(rita.id, world["project"], 0))
    with read_session() as session:
        assert draft not in [p.id for p in list_projects(session, statuses=PUBLIC)]


def test_only_admins_publish_and_residents_cannot(world):
    rita = world["rita"]
    with pytest.raises(DomainError) as caught, write_session() as session:
        create_project(session, actor_id=rita.id, title_zh="x", title_en="x", goal_points=10)
    assert caught.value.code == "forbidden"


def test_cancelling_refunds_every_gift_once_even_when_run_twice(world):
    admin, rita, sam, project_id = world["admin"], world["rita"], world["sam"], world["project"]
    gift(rita.id, project_id, 200)
    gift(rita.id, project_id, 100)
    gift(sam.id, project_id, 300)
    assert cancel_and_refund(actor_id=admin.id, project_id=project_id) == 3
    assert cancel_and_refund(actor_id=admin.id, project_id=project_id) == 0
    assert (balance_of(rita.id).points, balance_of(sam.id).points) == (500, 800)
    assert (project(project_id).status, project(project_id).raised_points) == (CANCELLED, 0)
    with read_session() as session:
        gifts = session.execute(select(ProjectGift)).scalars().all()
        refunds = session.execute(select(LedgerEntry).where(LedgerEntry.kind == "give", LedgerEntry.points > 0)
                                  ).scalars().all()
        cancels = session.execute(select(AuditLog).where(AuditLog.action == "project_cancelled")).scalars().all()
    assert sorted(r.original_entry_id for r in refunds) == sorted(g.entry_id for g in gifts)
    assert all(g.refund_entry_id is not None for g in gifts) and len(cancels) == 1
    with write_session() as session:  # a refund asked for again (a retried batch) writes nothing either
        assert refund_gift(session, gift_id=gifts[0].id, actor_id=admin.id) is False
    refused("project_not_open", lambda: gift(rita.id, project_id, 10))
    assert ledger_is_green()
    with read_session() as session:  # each giver is told once per gift, however often the cancel ran
        told = session.execute(select(InboxMessage.user_id, InboxMessage.params)
                               .where(InboxMessage.topic == "gift_refunded")).all()
    assert sorted((user_id, params["points"]) for user_id, params in told) == [(rita.id, 100), (rita.id, 200),
                                                                               (sam.id, 300)]


def test_a_closed_project_keeps_its_points_and_cannot_be_cancelled(world):
    admin, rita, project_id = world["admin"], world["rita"], world["project"]
    gift(rita.id, project_id, 200)
    with write_session() as session:
        set_status(session, actor_id=admin.id, project_id=project_id, status="closed")
    refused("project_status_change", lambda: cancel_and_refund(actor_id=admin.id, project_id=project_id))
    assert balance_of(rita.id).points == 300


def test_gifts_are_not_earnings_and_count_against_the_liability(world):
    rita, project_id = world["rita"], world["project"]
    gift(rita.id, project_id, 200)
    cancel_and_refund(actor_id=world["admin"].id, project_id=project_id)
    gift_again = open_project(world["admin"].id, goal=100, title_en="Trail benches")
    gift(rita.id, gift_again, 50)
    with read_session() as session:
        earned = session.execute(select(EARNED_POINTS).where(LedgerEntry.user_id == rita.id)).scalars().all()
    assert sum(earned) == 500  # only the credit: gift, refund and second gift earn nothing and cost no rank
    refresh_rollups()
    with read_session() as session:
        totals = point_totals(monthly_totals(session))
    assert (totals.given, totals.outstanding) == (50, 1300 - 50)


def cancels() -> list[AuditLog]:
    with read_session() as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == "project_cancelled")).scalars())


def test_the_cancel_project_command_refunds_every_gift_once_and_says_so(world, capsys):
    admin, rita, sam, project_id = world["admin"], world["rita"], world["sam"], world["project"]
    gift(rita.id, project_id, 200)
    gift(rita.id, project_id, 100)
    gift(sam.id, project_id, 300)
    command = ["cancel-project", str(project_id), "--reason", "The wetland site flooded", "--by", "ada"]
    assert manage(command) == 0
    assert capsys.readouterr().out == f"project {project_id} cancelled: 3 gifts refunded\n"
    assert manage(command) == 0
    assert capsys.readouterr().out == f"project {project_id} was already cancelled: 0 gifts refunded\n"
    assert (balance_of(rita.id).points, balance_of(sam.id).points) == (500, 800)
    assert (project(project_id).status, project(project_id).raised_points) == (CANCELLED, 0)
    [cancelled] = cancels()
    assert (cancelled.actor_id, cancelled.after["reason"]) == (admin.id, "The wetland site flooded")
    assert all(entry.created_by == admin.id for entry in entries_of(rita.id) if entry.points > 0 and
               entry.kind == "give")
    assert ledger_is_green()


def test_the_command_run_by_the_operator_has_no_actor_and_keeps_the_reason(world, capsys):
    gift(world["rita"].id, world["project"], 200)
    assert manage(["cancel-project", str(world["project"]), "--reason", "Sponsor withdrew"]) == 0
    [cancelled] = cancels()
    assert (cancelled.actor_id, cancelled.after["reason"]) == (None, "Sponsor withdrew")
    assert balance_of(world["rita"].id).points == 500


@pytest.mark.parametrize("arguments, reason", [
    (["999", "--reason", "typo"], "error: project_unknown {'project': 999}"),
    (["{project}", "--reason", "x", "--by", "nobody"], "error: unknown_user {'user': 'nobody'}"),
    (["{project}", "--reason", "x", "--by", "rita"], "error: forbidden"),
    (["{project}", "--reason", "   "], "error: reason_required"),
])
def test_the_command_refuses_in_one_line_and_changes_nothing(world, capsys, arguments, reason):
    gift(world["rita"].id, world["project"], 200)
    assert manage(["cancel-project", *(a.format(project=world["project"]) for a in arguments)]) == 1
    captured = capsys.readouterr()
    assert captured.err == reason + "\n" and captured.out == ""
    assert project(world["project"]).status == "open" and balance_of(world["rita"].id).points == 300
    assert cancels() == []


def test_a_cancel_that_fails_half_way_keeps_each_refund_and_the_next_run_finishes(world, monkeypatch, capsys):
    """A transaction per gift: the refund before the failure stays written, and running again refunds the rest once."""
    rita, sam, project_id = world["rita"], world["sam"], world["project"]
    for giver, points in ((rita, 200), (sam, 300), (rita, 100)):
        gift(giver.id, project_id, points)
    original, calls = refunds.refund_gift, []

    def fail_on_the_second(session, **params):
        calls.append(params["gift_id"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(session, **params)

    monkeypatch.setattr(refunds, "refund_gift", fail_on_the_second)
    assert manage(["cancel-project", str(project_id), "--reason", "flooded"]) == 1
    assert capsys.readouterr().err == "error: RuntimeError: disk full\n"
    assert (balance_of(rita.id).points, balance_of(sam.id).points) == (500 - 100, 800 - 300)  # the first is back
    monkeypatch.setattr(refunds, "refund_gift", original)
    assert manage(["cancel-project", str(project_id), "--reason", "flooded"]) == 0
    assert capsys.readouterr().out == f"project {project_id} was already cancelled: 2 gifts refunded\n"
    assert (balance_of(rita.id).points, balance_of(sam.id).points) == (500, 800)
    assert project(project_id).raised_points == 0 and len(cancels()) == 1 and ledger_is_green()
