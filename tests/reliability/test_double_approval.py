"""Two admins (or a double click) approving the same claim at the same moment credit it exactly once."""
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AuditLog, LedgerEntry
from points.ledger.verify import verify_ledger
from points.review.queue import decide
from tests.support.admin import balance_points, pending_claim, with_catalogue
from tests.support.race import run_together

APPROVERS = 4


def approve(actor_id: int, claim_id: int) -> int:
    with write_session() as session:
        return decide(session, actor_id=actor_id, claim_id=claim_id, approve=True, reason=None).points


def test_concurrent_approvals_write_one_entry(make_user, database):
    with_catalogue()
    admins = [make_user(f"admin{index}", role="admin") for index in range(2)]
    resident = make_user("rita")
    claim_id = pending_claim(resident.id)
    args = [(admins[index % 2].id, claim_id) for index in range(APPROVERS)]
    outcomes = run_together(approve, args, database)
    assert [status for status, _ in outcomes] == ["ok"] * APPROVERS, outcomes
    assert [points for _, points in outcomes] == [467] * APPROVERS  # a self-report: its share, its own cap
    with read_session() as session:
        entries = session.execute(select(func.count()).select_from(LedgerEntry)
                                  .where(LedgerEntry.claim_id == claim_id)).scalar_one()
        approvals = session.execute(select(func.count()).select_from(AuditLog)
                                    .where(AuditLog.action == "claim.approved")).scalar_one()
        assert verify_ledger(session).ok
    assert (entries, approvals) == (1, 1)
    assert balance_points(resident.id) == 467
