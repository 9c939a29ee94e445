"""Two admins deciding the same pending claim, one approving and one rejecting: the first decision stands, the
second is refused as "already decided" instead of silently reversing it."""
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import AuditLog, Claim, LedgerEntry
from points.common.errors import DomainError
from points.ledger.verify import verify_ledger
from points.review.queue import decide, pending_claims
from tests.support.admin import balance_points, pending_claim, with_catalogue
from tests.support.race import run_together
from ui.attempt import attempt_each
from ui.i18n import catalogue

ALREADY_DECIDED = "Another reviewer has already decided this claim; their decision stands."


def decision(actor_id: int, claim_id: int, approve: bool) -> str:
    """One admin's click in a process of its own: "ok" or the refusal's code."""
    try:
        with write_session() as session:
            decide(session, actor_id=actor_id, claim_id=claim_id, approve=approve, reason="checked by phone")
        return "ok"
    except DomainError as error:
        return error.code


def decide_each(actor_id: int, claim_ids: list[int], approve: bool, reason: str | None) -> dict:
    """The review page's bulk decision: each chosen claim in its own transaction."""
    return attempt_each(lambda session, claim_id: decide(session, actor_id=actor_id, claim_id=claim_id,
                                                         approve=approve, reason=reason), claim_ids)


def ledger_of(claim_id: int) -> tuple[str, list[str], list[str]]:
    """(claim status, entry kinds of the claim, decisions audited)."""
    with read_session() as session:
        status = session.get(Claim, claim_id).status
        kinds = session.execute(select(LedgerEntry.kind).where(LedgerEntry.claim_id == claim_id)
                                .order_by(LedgerEntry.id)).scalars().all()
        audited = session.execute(select(AuditLog.action).where(AuditLog.target_type == "claim")).scalars().all()
        assert verify_ledger(session).ok
    return status, kinds, audited


def test_a_reject_decided_on_a_stale_queue_is_refused_after_an_approval(make_user):
    """The page reads the queue, then decides: another admin's approval can land in between."""
    with_catalogue()
    first, second = make_user("ann", role="admin"), make_user("bob", role="admin")
    rita = make_user("rita")
    claim_id = pending_claim(rita.id)
    with read_session() as session:
        seen_by_second = [item.claim.id for item in pending_claims(session, actor_id=second.id)]
    assert decide_each(actor_id=first.id, claim_ids=[claim_id], approve=True, reason=None) == {claim_id: None}
    refused = decide_each(actor_id=second.id, claim_ids=seen_by_second, approve=False, reason="No ticket")
    assert [error.code for error in refused.values()] == ["claim_already_decided"]
    assert catalogue("en")["error.claim_already_decided"].startswith(ALREADY_DECIDED)
    assert ledger_of(claim_id) == ("approved", ["earn"], ["claim.approved"])
    assert balance_points(rita.id) == 467  # the self-reported share, within its own 20 km cap


def test_an_approval_decided_on_a_stale_queue_is_refused_after_a_rejection(make_user):
    with_catalogue()
    first, second = make_user("ann", role="admin"), make_user("bob", role="admin")
    claim_id = pending_claim(make_user("rita").id)
    assert decide_each(actor_id=first.id, claim_ids=[claim_id], approve=False, reason="No ticket") == {claim_id: None}
    refused = decide_each(actor_id=second.id, claim_ids=[claim_id], approve=True, reason=None)
    assert [error.code for error in refused.values()] == ["claim_already_decided"]
    assert ledger_of(claim_id) == ("rejected", [], ["claim.rejected"])


def test_approve_and_reject_at_the_same_moment_leave_exactly_one_decision(make_user, database):
    with_catalogue()
    first, second = make_user("ann", role="admin"), make_user("bob", role="admin")
    rita = make_user("rita")
    claim_id = pending_claim(rita.id)
    outcomes = run_together(decision, [(first.id, claim_id, True), (second.id, claim_id, False)], database)
    assert sorted(value for _, value in outcomes) == ["claim_already_decided", "ok"], outcomes
    approved = outcomes[0][1] == "ok"
    status, kinds, audited = ledger_of(claim_id)
    if approved:
        assert (status, kinds, audited) == ("approved", ["earn"], ["claim.approved"])
        assert balance_points(rita.id) == 467  # the self-reported share, within its own 20 km cap
    else:
        assert (status, kinds, audited) == ("rejected", [], ["claim.rejected"])
        assert balance_points(rita.id) == 0
    assert "reversal" not in kinds


def test_the_refusal_reads_in_both_languages():
    assert "已处理" in catalogue("zh")["error.claim_already_decided"]
