"""Review decisions: nobody approves their own claim, approving twice credits once, rejecting a credited claim
writes a reversal that keeps the ledger verifiable and lowers the balance."""
import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AnomalyFlag, AuditLog, Claim, LedgerEntry
from points.claims.lifecycle import reject_claim
from points.common.errors import DomainError
from points.ledger.verify import verify_ledger
from points.review.queue import close_flag, decide, open_flags, pending_claims
from tests.support.admin import balance_points, pending_claim, row_counts, with_catalogue
from ui.attempt import attempt_each


@pytest.fixture
def people(make_user):
    with_catalogue()
    return make_user("boss", role="admin"), make_user("rita")


def test_an_admin_cannot_approve_their_own_claim(people):
    admin, _ = people
    claim_id = pending_claim(admin.id)
    before = row_counts()
    with pytest.raises(DomainError, match="own_claim"), write_session() as session:
        decide(session, actor_id=admin.id, claim_id=claim_id, approve=True, reason=None)
    assert row_counts() == before
    assert balance_points(admin.id) == 0


def test_approving_twice_writes_one_entry(people):
    admin, resident = people
    claim_id = pending_claim(resident.id)
    for _ in range(2):
        with write_session() as session:
            decide(session, actor_id=admin.id, claim_id=claim_id, approve=True, reason=None)
    with read_session() as session:
        entries = session.execute(select(func.count()).select_from(LedgerEntry)
                                  .where(LedgerEntry.claim_id == claim_id)).scalar_one()
    assert entries == 1
    assert balance_points(resident.id) == 467  # self-reported: 20 km (its own cap) x 46.7 g x 50 %


def test_rejecting_a_credited_claim_writes_a_reversal_and_keeps_the_ledger_valid(people):
    admin, resident = people
    claim_id = pending_claim(resident.id)
    with write_session() as session:
        decide(session, actor_id=admin.id, claim_id=claim_id, approve=True, reason=None)
    credited = balance_points(resident.id)
    with write_session() as session:  # undoing a credit is claims.reject_claim; the queue only decides pending
        reject_claim(session, actor_id=admin.id, claim_id=claim_id, reason="Photo unclear")
    assert balance_points(resident.id) == credited - 467 == 0
    with read_session() as session:
        kinds = session.execute(select(LedgerEntry.kind).where(LedgerEntry.claim_id == claim_id)
                                .order_by(LedgerEntry.id)).scalars().all()
        report = verify_ledger(session)
        reversal = session.execute(select(LedgerEntry).where(LedgerEntry.kind == "reversal")).scalar_one()
    assert kinds == ["earn", "reversal"]
    assert reversal.reason == "Photo unclear"
    assert report.ok, report.first_bad


def test_a_bulk_decision_skips_only_the_refused_claim(people):
    admin, resident = people
    theirs = [pending_claim(resident.id, quantity=45), pending_claim(resident.id, action_code="bus")]
    own = pending_claim(admin.id)
    outcomes = attempt_each(lambda session, claim_id: decide(session, actor_id=admin.id, claim_id=claim_id,
                                                             approve=True, reason="Evidence checked"), [*theirs, own])
    assert [outcomes[claim_id] for claim_id in theirs] == [None, None]
    assert outcomes[own].code == "own_claim"
    # self-reported: 20 km (their own cap) x 46.7 g (metro) or 26.9 g (bus), half of it
    assert balance_points(resident.id) == 467 + 269
    with read_session() as session:
        assert pending_claims(session, actor_id=admin.id)[0].claim.id == own
        reviewers = session.execute(select(Claim.review_reason).where(Claim.id.in_(theirs))).scalars().all()
    assert reviewers == ["Evidence checked"] * 2


def test_a_decision_closes_the_flags_raised_about_the_claim(people):
    admin, resident = people
    claim_id = pending_claim(resident.id)
    with write_session() as session:
        session.add(AnomalyFlag(user_id=resident.id, kind="plausibility_edge", claim_id=claim_id,
                                detail=f"claim {claim_id}: edge"))
    with write_session() as session:
        decide(session, actor_id=admin.id, claim_id=claim_id, approve=False, reason="Not plausible")
    with read_session() as session:
        assert open_flags(session, actor_id=admin.id) == []


def test_closing_a_flag_needs_a_reason_and_is_audited(people):
    admin, resident = people
    with write_session() as session:
        flag = AnomalyFlag(user_id=resident.id, kind="many_entries", detail="user 2: 25 entries")
        session.add(flag)
        session.flush()
        flag_id = flag.id
    with pytest.raises(DomainError, match="admin_reason_required"), write_session() as session:
        close_flag(session, actor_id=admin.id, flag_id=flag_id, outcome="dismissed", reason="  ")
    with write_session() as session:
        close_flag(session, actor_id=admin.id, flag_id=flag_id, outcome="dismissed", reason="School trip")
    with read_session() as session:
        assert session.get(AnomalyFlag, flag_id).status == "dismissed"
        audit = session.execute(select(AuditLog).where(AuditLog.action == "flag.dismissed")).scalar_one()
    assert audit.before == {"status": "open"} and audit.after["reason"] == "School trip"
