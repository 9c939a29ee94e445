"""Partners in AppTest: the admin page (register with the secret shown once, rotate, disable, edit, refusals,
reconciliation and spikes, admins only), a resident's linked accounts (consent, link code, unlink, history) and
the source of each entry on the resident's ledger."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlmodel import col, select

from db.engine import get_engine, read_session, write_session
from db.models import AuditLog, Partner, PartnerKey, PartnerLink, PartnerLinkCode, User
from points.common.clock import local_day, utcnow
from points.ledger.statement import statement_csv
from points.partners.links import CODE_ALPHABET, CODE_LENGTH, link_by_code
from points.partners.registry import signing_secrets, update_partner
from tests.support.ledger import balance_of, load, log, verified
from tests.support.partners import event, issue_code, link_resident, make_partner, redeem, send
from ui import linked_accounts

pytestmark = pytest.mark.timeout(180)
PAGE, ACCOUNT, LEDGER = "pages/admin/partners.py", "pages/resident/account.py", "pages/resident/ledger.py"
CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


@pytest.fixture(autouse=True)
def catalogue():
    load()


@pytest.fixture
def admin(make_user):
    return make_user("boss", role="admin")


def button(app, label: str):
    return next(item for item in app.button if item.label == label)


def shown(app, *kinds: str) -> str:
    return " ".join(str(element.value) for kind in kinds or ("success", "warning", "error", "markdown", "caption")
                    for element in getattr(app, kind))


def card_sources(app, sources: tuple[str, ...]) -> list[str]:
    """The source named on each statement card, top to bottom (each card's facts line names one)."""
    return [next(source for source in sources if source in element.value) for element in app.markdown
            if any(source in element.value for source in sources) and " · " in element.value]


def partner_named(name: str) -> Partner | None:
    with read_session() as session:
        return session.exec(select(Partner).where(Partner.name == name)).first()


def audit_rows(action: str, partner_id: int) -> list[AuditLog]:
    with read_session() as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action, AuditLog.target_id == partner_id)
                                 .order_by(col(AuditLog.id))))


def secrets_of(partner_id: int) -> list[str]:
    with read_session() as session:
        return signing_secrets(session, partner_id=partner_id)


def test_registering_a_partner_writes_it_and_shows_a_working_secret_once(admin, open_page):
    app = open_page(PAGE, admin)
    app.text_input(key="partner_name").input("metro-co")
    app.selectbox(key="partner_kind").set_value("transit")
    app.multiselect(key="partner_actions").select("metro").select("bus")
    app.number_input(key="partner_rate").set_value(60)
    button(app, "Register the partner").click().run()
    assert not app.exception
    partner = partner_named("metro-co")
    assert (partner.kind, partner.actions, partner.rate_limit_per_minute) == ("transit", ["metro", "bus"], 60)
    assert "is shown this once" in shown(app, "warning") and f"partner id {partner.id}" in shown(app, "warning")
    assert [block.value for block in app.code] == secrets_of(partner.id)  # the secret on screen is the one that signs
    assert "metro-co" in list(app.dataframe[0].value["Partner"])
    [audited] = audit_rows("partner.create", partner.id)
    assert audited.actor_id == admin.id and audited.after["actions"] == ["metro", "bus"]
    assert app.code[0].value not in str(audited.after)  # the audit names the partner, never its secret
    app.run()
    assert not app.code and "shown this once" not in shown(app, "warning")


def test_a_refused_registration_is_explained_and_writes_nothing(admin, open_page):
    make_partner("metro-co")
    app = open_page(PAGE, admin)
    app.text_input(key="partner_name").input("Metro-Co")
    app.multiselect(key="partner_actions").select("metro")
    button(app, "Register the partner").click().run()
    assert "There is already a partner called Metro-Co." in shown(app, "error")
    app.text_input(key="partner_name").input("bikes")
    app.multiselect(key="partner_actions").set_value([])
    button(app, "Register the partner").click().run()
    assert "Choose at least one action the partner may report." in shown(app, "error")
    assert not app.code
    with read_session() as session:
        assert [p.name for p in session.exec(select(Partner))] == ["metro-co"]


def test_rotating_shows_the_new_secret_once_and_the_old_key_works_for_the_overlap(admin, open_page):
    issued = make_partner("metro-co")
    app = open_page(PAGE, admin)
    app.number_input(key="partner_overlap").set_value(2)
    before = utcnow()
    app.button(key="partner_rotate").click().run()
    assert not app.exception
    [new_secret] = [block.value for block in app.code]
    assert new_secret != issued.secret and secrets_of(issued.partner.id) == [new_secret, issued.secret]
    assert "the old one works for 2 more hours" in shown(app, "success")
    with read_session() as session:
        old = session.exec(select(PartnerKey).order_by(col(PartnerKey.id))).first()
    assert before + timedelta(hours=2) <= old.valid_until <= utcnow() + timedelta(hours=2)
    [audited] = audit_rows("partner.rotate_key", issued.partner.id)
    assert audited.actor_id == admin.id and audited.after == {"old_keys_valid_until": old.valid_until.isoformat()}


def test_disabling_and_enabling_a_partner_is_audited(admin, open_page):
    issued = make_partner("metro-co")
    app = open_page(PAGE, admin)
    app.button(key="partner_status").click().run()
    assert "metro-co is disabled" in shown(app, "success")
    assert partner_named("metro-co").status == "disabled"
    assert list(app.dataframe[0].value["Status"]) == ["disabled"]
    assert app.button(key="partner_status").label == "Enable"
    app.button(key="partner_status").click().run()
    assert partner_named("metro-co").status == "active"
    assert [(row.actor_id, row.after) for row in audit_rows("partner.update", issued.partner.id)] == [
        (admin.id, {"status": "disabled"}), (admin.id, {"status": "active"})]


def test_editing_allowed_actions_and_the_rate_limit(admin, open_page):
    issued = make_partner("metro-co")
    app = open_page(PAGE, admin)
    pid = issued.partner.id
    app.multiselect(key=f"partner_edit_actions_{pid}").unselect("bus")
    app.number_input(key=f"partner_edit_rate_{pid}").set_value(30)
    button(app, "Save actions and rate limit").click().run()
    assert "metro-co saved." in shown(app, "success")
    partner = partner_named("metro-co")
    assert (partner.actions, partner.rate_limit_per_minute) == (["metro"], 30)
    [audited] = audit_rows("partner.update", pid)
    assert (audited.before, audited.after) == ({"actions": ["metro", "bus"], "rate_limit_per_minute": 120},
                                               {"actions": ["metro"], "rate_limit_per_minute": 30})


def test_an_edit_without_actions_is_refused_and_changes_nothing(admin, open_page):
    pid = make_partner("metro-co").partner.id
    app = open_page(PAGE, admin)
    app.multiselect(key=f"partner_edit_actions_{pid}").set_value([])
    app.number_input(key=f"partner_edit_rate_{pid}").set_value(30)
    button(app, "Save actions and rate limit").click().run()
    assert "Choose at least one action the partner may report." in shown(app, "error")
    partner = partner_named("metro-co")
    assert (partner.actions, partner.rate_limit_per_minute) == (["metro", "bus"], 120)
    assert audit_rows("partner.update", pid) == []


def test_reconciliation_counts_each_outcome_and_flags_a_spike(admin, make_user, open_page):
    rita = make_user("rita")
    now = utcnow()
    partner_id = make_partner("metro-co", now=now).partner.id
    link_resident(rita.id, partner_id, now=now)
    when = now - timedelta(hours=1)
    send(partner_id, event("e1", occurred_at=when), event("e1", occurred_at=when),
         event("e2", subject="nobody", occurred_at=when), event("e3", action="bike", occurred_at=when), now=now)
    app = open_page(PAGE, admin)
    [row] = app.dataframe[1].value.to_dict("records")
    assert (row["Partner"], row["Received"], row["Credited"], row["Duplicates"]) == ("metro-co", 4, 1, 1)
    assert (row["Refused: unknown account"], row["Refused: action not allowed"], row["Refused: invalid"]) == (1, 1, 0)
    assert row["Points"] == balance_of(rita.id).points == 467
    assert "Unusual volume" not in shown(app, "warning")
    send(partner_id, *[event(f"x{n}", subject="nobody", occurred_at=when) for n in range(50)], now=now)
    app.run()
    assert "Unusual volume" not in shown(app, "warning")  # a partner's first day has no usual to compare with
    for back in (1, 2, 3):  # three quiet days before: a usual of 3 a day, so today's 54 is far above it
        earlier = now - timedelta(days=back)
        send(partner_id, *[event(f"d{back}-{n}", subject="nobody", occurred_at=earlier - timedelta(hours=1))
                           for n in range(3)], now=earlier)
    app.run()
    today = local_day(now).isoformat()
    assert f"Unusual volume: metro-co sent 54 events on {today}, against a usual 3.0 a day." in shown(app, "warning")
    assert [row["Received"] for row in app.dataframe[1].value.to_dict("records")] == [54, 3, 3, 3]


@pytest.mark.parametrize("role", ["auditor", "resident"])
def test_the_page_is_for_admins_only_and_a_changed_role_applies_at_once(admin, role, open_page):
    make_partner("metro-co")
    app = open_page(PAGE, admin)
    assert app.title[0].value == "Partners"
    with write_session() as session:
        session.get(User, admin.id).role = role
    app.run()
    assert "This page is not available for your role." in shown(app, "warning")
    assert not app.dataframe and "metro-co" not in shown(app)


def resident_with_partner(make_user, name: str = "metro-co"):
    return make_user("rita"), make_partner(name, now=utcnow()).partner


def test_a_resident_agrees_and_gets_an_eight_character_code_that_links(make_user, open_page):
    rita, partner = resident_with_partner(make_user)
    app = open_page(ACCOUNT, rita)
    assert "**Who:** metro-co (public transport) sends the data" in shown(app, "markdown")
    assert "allowed to report (Metro trip, Electric bus trip)" in shown(app, "markdown")
    assert "until you unlink here" in shown(app, "markdown")
    assert app.button(key=f"link_issue_{partner.id}").disabled  # no code before "I agree"
    app.checkbox(key=f"link_agree_{partner.id}").check().run()
    app.button(key=f"link_issue_{partner.id}").click().run()
    assert not app.exception
    [metric] = app.metric
    code = metric.value
    assert CODE.fullmatch(code) and metric.label == "Your link code for metro-co"
    assert "before" in shown(app, "markdown") and "10 minutes" in shown(app, "markdown")
    with read_session() as session:
        [row] = session.exec(select(PartnerLinkCode)).all()
    assert (row.user_id, row.partner_id, row.method, row.consent_version) == (rita.id, partner.id, "portal", "2026-12")
    assert list(app.dataframe[0].value["What"]) == ["Consent given (link code issued)"]
    with write_session() as session:
        assert link_by_code(session, partner_id=partner.id, code=code, subject="card-9") == "linked"
    app.run()
    assert not app.metric  # the partner used the code: the link shows instead
    assert "**metro-co** (public transport) · account card-9" in shown(app, "markdown")


def test_the_consent_text_and_code_in_chinese(make_user, open_page):
    rita, partner = resident_with_partner(make_user)
    app = open_page(ACCOUNT, rita, lang="zh")
    assert "共享哪些信息" in shown(app, "markdown") and "乘地铁出行、乘电动公交出行" in shown(app, "markdown")
    assert "由 metro-co（公共交通）发送数据" in shown(app, "markdown")
    assert "直至你在此解除关联" in shown(app, "markdown")
    app.checkbox(key=f"link_agree_{partner.id}").check().run()
    app.button(key=f"link_issue_{partner.id}").click().run()
    assert CODE.fullmatch(app.metric[0].value) and app.metric[0].label == "你的 metro-co 关联码"


def test_unlinking_stops_crediting_at_once_and_stays_in_the_history(make_user, open_page):
    rita, partner = resident_with_partner(make_user)
    now = utcnow()
    assert link_resident(rita.id, partner.id, now=now) == "linked"
    app = open_page(ACCOUNT, rita)
    assert "account card-123" in shown(app, "markdown")
    assert app.button(key=f"unlink_{partner.id}").disabled  # confirm first
    app.checkbox(key=f"unlink_sure_{partner.id}").check().run()
    app.button(key=f"unlink_{partner.id}").click().run()
    assert "Unlinked from metro-co: nothing it sends is credited any more." in shown(app, "success")
    with read_session() as session:
        [link] = session.exec(select(PartnerLink)).all()
    assert link.withdrawn_at is not None and link.withdrawn_by == rita.id
    [outcome] = send(partner.id, event("after-unlink", occurred_at=utcnow() - timedelta(minutes=5)), now=utcnow())
    assert (outcome.outcome, outcome.points, balance_of(rita.id).points) == ("not_linked", 0, 0)
    history = app.dataframe[0].value
    assert list(history["What"]) == ["Consent withdrawn (unlinked)", "Linked", "Consent given (link code issued)"]
    assert app.button(key=f"link_issue_{partner.id}")  # the partner can be linked again


def test_the_ledger_names_the_source_of_each_entry(make_user, open_page):
    rita, partner = resident_with_partner(make_user, "demo-metro")
    now = utcnow()
    link_resident(rita.id, partner.id, now=now)
    log(rita.id, "paper", 2, when=now - timedelta(days=3))
    verified(rita.id, "plastic", 1, when=now - timedelta(days=2), source="staff")
    verified(rita.id, "glass", 1, when=now - timedelta(days=1), source="checkpoint")
    send(partner.id, event("trip-1", occurred_at=now - timedelta(hours=1)), now=now)
    app = open_page(LEDGER, rita)
    assert not app.exception
    english = ("Partner: demo-metro", "QR check-in", "Attendant", "Self-reported")
    assert card_sources(app, english) == list(english)
    assert "Source: Partner: demo-metro" in shown(app, "markdown")
    zh = open_page(LEDGER, rita, lang="zh")
    chinese = ("合作方：demo-metro", "扫码签到", "工作人员核验", "自行填报")
    assert card_sources(zh, chinese) == list(chinese)
    with read_session() as session:
        rows = list(csv.DictReader(io.StringIO(statement_csv(session, user_id=rita.id))))
    assert [(row["channel"], row["partner"]) for row in rows] == [
        ("self", ""), ("staff", ""), ("checkpoint", ""), ("partner", "demo-metro")]  # the download says it too


def statements_run(call) -> int:
    """How many SQL statements `call()` sends to the database."""
    sent = []
    engine = get_engine()

    def count(*_args) -> None:
        sent.append(1)

    sqlalchemy_event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        sqlalchemy_event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def test_the_sources_of_a_long_ledger_are_read_in_the_same_queries_as_a_short_one(make_user, open_page):
    rita = make_user("rita")
    now = utcnow()
    metro, buses = (make_partner(name, now=now).partner.id for name in ("metro-co", "bus-co"))
    for partner_id in (metro, buses):
        link_resident(rita.id, partner_id, now=now)
    send(metro, event("m0", quantity=1, occurred_at=now - timedelta(hours=1)), now=now)
    app = open_page(LEDGER, rita)
    short = statements_run(app.run)
    send(metro, *[event(f"m{n}", quantity=1, occurred_at=now - timedelta(hours=1)) for n in range(1, 12)], now=now)
    send(buses, *[event(f"b{n}", action="bus", quantity=1, occurred_at=now - timedelta(hours=1)) for n in range(12)],
         now=now)
    long = statements_run(app.run)
    shown_sources = card_sources(app, ("Partner: metro-co", "Partner: bus-co"))
    assert {name: shown_sources.count(name) for name in set(shown_sources)} == {"Partner: metro-co": 8,
                                                                               "Partner: bus-co": 12}
    assert long == short  # no query per entry (nor per partner) however long the ledger grows


def issuing_meets(monkeypatch, change) -> None:
    """`change()` commits while the resident's click is being handled, after the page read what to offer and
    before the code is issued: the race the refusals are for."""
    real = linked_accounts.issue_link_code

    def racing(session, **kwargs):
        change()
        return real(session, **kwargs)

    monkeypatch.setattr(linked_accounts, "issue_link_code", racing)


def link_codes() -> list[PartnerLinkCode]:
    with read_session() as session:
        return list(session.exec(select(PartnerLinkCode).order_by(col(PartnerLinkCode.id))))


def test_a_partner_disabled_meanwhile_is_refused_in_words_and_no_code_is_issued(make_user, open_page, monkeypatch):
    rita, partner = resident_with_partner(make_user)
    app = open_page(ACCOUNT, rita)
    app.checkbox(key=f"link_agree_{partner.id}").check().run()

    def disable() -> None:
        with write_session() as session:
            update_partner(session, actor_id=None, partner_id=partner.id, status="disabled")

    issuing_meets(monkeypatch, disable)
    app.button(key=f"link_issue_{partner.id}").click().run()
    assert not app.exception and not app.metric
    assert "The partner metro-co is disabled." in shown(app, "error")
    assert link_codes() == []
    app.run()
    assert "No partner can be linked yet." in shown(app, "caption")  # the next run no longer offers it


def test_linked_at_a_desk_meanwhile_is_refused_in_chinese_and_the_history_names_the_desk(make_user, open_page,
                                                                                       monkeypatch):
    rita, partner = resident_with_partner(make_user)
    app = open_page(ACCOUNT, rita, lang="zh")
    app.checkbox(key=f"link_agree_{partner.id}").check().run()
    issuing_meets(monkeypatch, lambda: redeem(partner.id, issue_code(rita.id, partner.id, method="desk",
                                                                      operator="Desk 3 Lin", now=utcnow()),
                                              now=utcnow()))
    app.button(key=f"link_issue_{partner.id}").click().run()
    assert "您的账户已关联 metro-co。如需关联其他账户，请先解除关联。" in shown(app, "error")
    assert [code.method for code in link_codes()] == ["desk"]  # only the desk's: the click wrote nothing
    app.run()
    assert "**metro-co**（公共交通）· 账户 card-123" in shown(app, "markdown")
    history = app.dataframe[0].value.to_dict("records")
    assert [(row["事项"], row["方式"], row["详情"]) for row in history] == [
        ("已关联", "线下（服务窗口当面办理）", "card-123"),
        ("给予同意（已签发关联码）", "线下（服务窗口当面办理）", "Desk 3 Lin")]


def test_a_partner_name_is_shown_as_typed_not_as_markdown(make_user, open_page):
    rita = make_user("rita")
    partner = make_partner("Metro *Co* [pay](https://evil.example)", now=utcnow()).partner
    app = open_page(ACCOUNT, rita)
    consent = next(element.value for element in app.markdown if "What is shared" in element.value)
    assert r"Metro \*Co\* \[pay\]\(https\://evil.example\)" in consent
    assert "[pay](" not in consent
    app.checkbox(key=f"link_agree_{partner.id}").check().run()
    app.button(key=f"link_issue_{partner.id}").click().run()
    assert CODE.fullmatch(app.metric[0].value)
