"""The admin console through app.py: what an admin can do on each page, and what an auditor only reads."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import ActionType, AuditLog, LedgerEntry, User
from points.common.clock import utcnow
from points.review.queue import decide
from tests.support.admin import balance_points, pending_claim, with_catalogue
from tests.support.signin import fail_signins
from tests.unit.test_claims import png


def button(app, label: str):
    return next(item for item in app.button if item.label == label)


def texts(app, kind: str) -> list[str]:
    return [element.value for element in getattr(app, kind)]


def approved(admin, claim_id: int) -> None:
    with write_session() as session:
        decide(session, actor_id=admin.id, claim_id=claim_id, approve=True, reason=None)


@pytest.fixture
def people(make_user):
    with_catalogue()
    return make_user("boss", role="admin"), make_user("audrey", role="auditor"), make_user("rita", district="思明")


def test_the_dashboard_is_the_admin_home_with_figures_beside_charts(people, open_page):
    admin, _, rita = people
    approved(admin, pending_claim(rita.id))
    app = open_page(None, admin)
    assert texts(app, "title") == ["City dashboard"]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Points issued"] == "467"  # a self-report approved: its share within its own cap
    assert metrics["Outstanding (liability)"] == "467"
    assert "Siming" in app.table[2].value.iloc[:, 0].tolist()  # by district, the chart's table


def test_an_admin_approves_a_pending_claim_and_the_resident_is_credited(people, open_page):
    admin, _, rita = people
    claim_id = pending_claim(rita.id)
    app = open_page("pages/admin/review.py", admin)
    assert app.checkbox(key=f"pick_{claim_id}").label.startswith(f"#{claim_id} · rita")
    app.checkbox(key=f"pick_{claim_id}").check()
    button(app, "Approve selected").click().run()
    assert not app.exception
    assert "1 claim(s) approved." in texts(app, "success")
    assert balance_points(rita.id) == 467  # a self-report approved: its share within its own cap


def test_the_reviewer_sees_the_photo_sent_with_a_pending_claim(people, open_page):
    admin, _, rita = people
    pending_claim(rita.id, photo=png())
    pending_claim(rita.id)
    app = open_page("pages/admin/review.py", admin)
    assert not app.exception
    assert len(app.get("image")) == 1


def test_an_auditor_sees_the_queue_but_cannot_decide(people, open_page):
    _, auditor, rita = people
    claim_id = pending_claim(rita.id)
    app = open_page("pages/admin/review.py", auditor)
    assert app.checkbox(key=f"pick_{claim_id}").disabled
    assert button(app, "Approve selected").disabled and button(app, "Reject selected").disabled
    app = open_page("pages/admin/admin_ledger.py", auditor)
    assert "Post adjustment" not in [item.label for item in app.button]


def test_an_adjustment_without_a_reason_is_refused_and_writes_nothing(people, open_page):
    admin, _, _ = people
    app = open_page("pages/admin/admin_ledger.py", admin)
    app.text_input(key="adjust_user").input("rita")
    app.number_input(key="adjust_points").set_value(150)
    button(app, "Post adjustment").click().run()
    assert "A reason is required (at most 400 characters)." in texts(app, "error")
    with read_session() as session:
        assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 0
    app.text_input(key="adjust_reason").input("Lost paper receipts, checked by phone")
    button(app, "Post adjustment").click().run()
    assert "Adjustment of 150 points posted for rita." in texts(app, "success")
    with read_session() as session:
        entry = session.execute(select(LedgerEntry)).scalar_one()
    assert (entry.kind, entry.points, entry.reason) == ("adjust", 150, "Lost paper receipts, checked by phone")


def test_the_ledger_browser_filters_and_shows_a_statement(people, open_page):
    admin, _, rita = people
    approved(admin, pending_claim(rita.id))
    app = open_page("pages/admin/admin_ledger.py", admin)
    app.text_input(key="ledger_user").input("rita").run()
    assert any("balance 467 points" in text for text in texts(app, "info"))
    assert app.dataframe[0].value["Points"].tolist() == [467]
    app.selectbox(key="ledger_kind").set_value("redeem").run()
    assert app.dataframe[0].value.empty
    button(app, "Verify integrity").click().run()
    assert any(text.startswith("The ledger is intact") for text in texts(app, "success"))


def test_disabling_a_user_is_audited_and_shown_in_the_audit_log(people, open_page):
    admin, _, rita = people
    app = open_page("pages/admin/users.py", admin)
    app.text_input(key="users_search").input("rita").run()
    button(app, "Disable").click().run()
    assert "Account rita updated." in texts(app, "success")
    with read_session() as session:
        assert session.get(User, rita.id).disabled
    app = open_page("pages/admin/audit.py", admin)
    table = app.dataframe[0].value
    assert table["Action"].tolist() == ["user.disable"]
    assert table["Before"].tolist() == ['{"disabled": false}']


def test_only_a_backoff_still_running_shows_as_locked(people, make_user, open_page):
    admin, _, rita = people
    make_user("rob")
    fail_signins("rita", now=utcnow() - timedelta(minutes=10))
    fail_signins("rob")
    table = open_page("pages/admin/users.py", admin).dataframe[0].value
    states = dict(zip(table["Username"], table["State"], strict=False))
    assert states["rita"] == "active"
    assert states["rob"].startswith("locked until ")


def test_a_factor_change_needs_a_source_and_makes_a_new_version(people, open_page):
    admin, _, _ = people
    app = open_page("pages/admin/catalog.py", admin)
    app.selectbox(key="catalog_action").set_value("metro").run()
    app.number_input(key="factor_value").set_value(50.0)
    button(app, "Save as new version").click().run()
    assert "A new factor must cite its source (at most 400 characters)." in texts(app, "error")
    app.text_input(key="factor_source").input("Xiamen metro 2026 report")
    button(app, "Save as new version").click().run()
    assert "metro is now at version 3." in texts(app, "success")
    with read_session() as session:
        versions = session.execute(select(ActionType.version, ActionType.current, ActionType.factor_g)
                                   .where(ActionType.code == "metro").order_by(ActionType.version)).all()
        assert session.execute(select(func.count()).select_from(AuditLog)).scalar_one() == 1
    assert [tuple(row) for row in versions] == [(1, False, 46.7), (2, False, 46.7), (3, True, 50.0)]
    with read_session() as session:  # the cap shown is metro's own, not that of the action shown first
        assert session.execute(select(ActionType.daily_cap).where(ActionType.current, ActionType.code == "metro")
                               ).scalar_one() == 60


def test_opening_the_queue_scans_for_new_flags_once_a_minute_not_on_every_click(make_user, open_page):
    import time
    from datetime import timedelta

    from points.common.clock import utcnow
    from points.review.anomalies import BURST_ENTRIES
    from tests.support.ledger import credit

    def burst(user_id: int) -> None:
        for minute in range(BURST_ENTRIES):
            credit(user_id, 5, now=utcnow() - timedelta(minutes=minute))

    admin, ann, ben = make_user("boss", role="admin"), make_user("ann"), make_user("ben")
    burst(ann.id)
    app = open_page("pages/admin/review.py", admin)
    assert app.dataframe[-1].value.iloc[:, 2].tolist() == ["ann"]
    burst(ben.id)
    app.selectbox(key="review_source").set_value("self").run()
    assert app.dataframe[-1].value.iloc[:, 2].tolist() == ["ann"]
    app.session_state["due_flag_scan"] = time.monotonic() - 61
    app.run()
    assert sorted(app.dataframe[-1].value.iloc[:, 2].tolist()) == ["ann", "ben"]


def test_the_flag_list_can_be_narrowed_to_one_kind(make_user, open_page):
    from db.engine import write_session
    from db.models import AnomalyFlag

    admin, ann = make_user("boss", role="admin"), make_user("ann")
    with write_session() as session:
        session.add(AnomalyFlag(user_id=ann.id, kind="many_entries", detail="user ann: 25 entries in an hour"))
        session.add(AnomalyFlag(user_id=ann.id, kind="checkin_missing_checkout", detail="event 3"))
    app = open_page("pages/admin/review.py", admin)
    assert len(app.dataframe[-1].value) == 2
    app.selectbox(key="flag_kind").set_value("many_entries").run()
    table = app.dataframe[-1].value
    assert not app.exception and len(table) == 1 and "25 entries" in table.iloc[0].to_string()
