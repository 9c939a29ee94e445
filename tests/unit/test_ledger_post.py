"""points.ledger.chain.post on its own: what a retry, a reused key and an overdraft leave in the ledger."""
import pytest
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Balance
from points.common.errors import DomainError
from points.ledger.chain import post
from points.ledger.verify import verify_ledger
from tests.support.ledger import credit


def _post(user_id: int, points: int, key: str, kind: str = "earn", **request):
    with write_session() as session:
        return post(session, user_id=user_id, kind=kind, points=points, idempotency_key=key,
                    request={"points": points, **request}, co2e_g=max(points, 0))


def _entries(user_id: int) -> list:
    from db.models import LedgerEntry

    with read_session() as session:
        return session.execute(select(LedgerEntry).where(LedgerEntry.user_id == user_id)
                               .order_by(LedgerEntry.seq)).scalars().all()


def test_a_retry_returns_the_first_entry_and_writes_nothing(make_user):
    ann = make_user("ann")
    first = _post(ann.id, 40, "trip-1")
    again = _post(ann.id, 40, "trip-1")
    assert (first.created, again.created) == (True, False)
    assert again.entry.id == first.entry.id and again.entry.hash == first.entry.hash
    assert [entry.points for entry in _entries(ann.id)] == [40]
    with read_session() as session:
        assert session.get(Balance, ann.id).points == 40


def test_a_reused_key_with_other_content_is_refused_and_writes_nothing(make_user):
    ann = make_user("ann")
    _post(ann.id, 40, "trip-1")
    with pytest.raises(DomainError) as refused:
        _post(ann.id, 41, "trip-1")
    assert refused.value.code == "idempotency_conflict"
    assert [entry.points for entry in _entries(ann.id)] == [40]


def test_a_retried_spend_that_emptied_the_balance_is_replayed_not_refused(make_user):
    ann = make_user("ann")
    credit(ann.id, 50)
    spent = _post(ann.id, -50, "redeem-1", kind="redeem")
    retried = _post(ann.id, -50, "redeem-1", kind="redeem")
    assert retried.created is False and retried.entry.id == spent.entry.id
    with pytest.raises(DomainError) as refused:
        _post(ann.id, -1, "redeem-2", kind="redeem")
    assert refused.value.code == "insufficient_points"
    assert [entry.points for entry in _entries(ann.id)] == [50, -50]


def test_a_key_is_global_another_residents_request_with_it_is_a_conflict(make_user):
    ann, ben = make_user("ann"), make_user("ben")
    _post(ann.id, 40, "shared-key", owner="ann")
    with pytest.raises(DomainError) as refused:
        _post(ben.id, 40, "shared-key", owner="ben")
    assert refused.value.code == "idempotency_conflict"
    assert _entries(ben.id) == []


def test_entries_written_on_the_fast_path_read_back_and_verify(make_user):
    """The entry returned at write time equals the row read back, so the stored values hash the same."""
    ann = make_user("ann")
    posted = [_post(ann.id, points, f"trip-{points}").entry for points in (5, 7, 11)]
    stored = _entries(ann.id)
    assert [(e.id, e.seq, e.created_at, e.hash) for e in stored] == [(e.id, e.seq, e.created_at, e.hash)
                                                                      for e in posted]
    with read_session() as session:
        assert verify_ledger(session).ok


def test_a_misspelt_column_is_refused_not_silently_dropped(make_user):
    ann = make_user("ann")
    with pytest.raises(TypeError, match="reasn"), write_session() as session:
        post(session, user_id=ann.id, kind="adjust", points=5, idempotency_key="adjust:typo", request={},
             reasn="goodwill")  # the misspelling is the point of the test
    assert _entries(ann.id) == []
