"""Certificates: what they state, the signed QR link (genuine verifies; forged, altered or edited refused), the PDF."""
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import event, text

from db.engine import get_engine, read_session, write_session
from db.models import Certificate
from points.accounts.privacy import delete_my_account
from points.certificates.codes import certificate_code, verification_link
from points.certificates.documents import certificate_pdf
from points.certificates.issuing import issue_carbon, issue_gift, issue_volunteer, record_volunteer
from points.certificates.statements import VolunteerHours
from points.certificates.verification import VALID, WITHDRAWN_ERASED, WITHDRAWN_REFUNDED, describe, verify_code
from points.common.errors import DomainError
from points.projects.refunds import cancel_and_refund
from tests.app.test_downloads import has_cjk_font
from tests.support.checkin import START, make_checkpoint, scan
from tests.support.ledger import credit
from tests.support.pdf_codes import qr_texts
from tests.support.projects import count, gift, open_project, volunteered

LATER = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def volunteer(make_user):
    """Rita volunteered 3 hours at one event and checked in at another without checking out (not counted)."""
    rita = volunteered(make_user)
    still_open = make_checkpoint(make_user("oscar", role="organizer").id, title_en="Second clean-up")
    scan(rita.id, still_open, now=START)
    return rita


def verified(code: object):
    with read_session() as session:
        return verify_code(session, code=code)


def refused(code: object) -> None:
    with pytest.raises(DomainError) as caught:
        verified(code)
    assert caught.value.code == "certificate_invalid"


@contextmanager
def statements_seen():
    """Every SQL statement run meanwhile, with whether it ran in a read-only session (read_session)."""
    seen: list[tuple[str, bool]] = []

    def note(connection, _cursor, statement, _parameters, _context, _many):
        seen.append((statement.lower(), bool(connection.get_execution_options().get("readonly"))))

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


def test_volunteer_hours_count_checked_out_credited_events_only(volunteer):
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    assert (certificate.kind, certificate.hours, certificate.events) == ("volunteer", 3.0, 1)


def test_the_genuine_link_verifies_and_shows_what_it_states(volunteer, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_BASE_URL", "https://egret.example.cn")
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    link = verification_link(certificate)
    assert link.startswith("https://egret.example.cn/verify?c=")
    code = parse_qs(urlparse(link).query)["c"][0]
    assert code == f"{certificate.id}.{code.split('.')[1]}"  # the number and a signature: no name, no figures
    found = verified(code)
    assert (found.standing, found.name, found.certificate.hours) == (VALID, "林丽", 3.0)


def test_asking_again_gives_the_same_certificate(volunteer):
    first = issue_volunteer(user_id=volunteer.id, now=LATER)
    again = issue_volunteer(user_id=volunteer.id, now=LATER + timedelta(days=3))
    assert (again.id, again.issued_at) == (first.id, first.issued_at) and count(Certificate) == 1


def test_forged_and_altered_links_are_refused(volunteer, make_user):
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    code = certificate_code(certificate)
    number, signature = code.split(".")
    other = make_user("sam")
    credit(other.id, 300, now=LATER)
    second = issue_carbon(user_id=other.id, year=2026, now=LATER)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for forged in (f"{second.id}.{signature}", f"{number}.{flipped}", f"{number}.{'A' * 22}", f"999.{signature}",
                   code + "x", "", "1", "<script>", None, ["1", "2"]):
        refused(forged)
    with write_session() as session:  # an edited row no longer matches the signature its paper carries
        session.execute(text("UPDATE certificate SET hours = 30 WHERE id = :id"), {"id": certificate.id})
    refused(code)


def test_a_link_signed_with_another_secret_is_refused(volunteer):
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    refused(certificate_code(certificate, secret="someone-elses-secret"))


def test_nothing_to_certify_is_refused(make_user):
    sam = make_user("sam")
    for issue, params, code in ((issue_volunteer, {}, "certificate_no_hours"),
                                (issue_carbon, {"year": 2025}, "certificate_empty_year"),
                                (issue_carbon, {"year": 2027}, "certificate_future_year")):
        with pytest.raises(DomainError) as caught:
            issue(user_id=sam.id, now=LATER, **params)
        assert caught.value.code == code
    assert count(Certificate) == 0


def test_the_carbon_certificate_states_one_local_year(make_user):
    sam = make_user("sam")
    credit(sam.id, 400, co2e_g=1500, now=datetime(2025, 12, 31, 16, 30, tzinfo=UTC))  # 1 January 2026, 00:30 local
    credit(sam.id, 250, co2e_g=2500, now=datetime(2025, 6, 1, tzinfo=UTC))
    certificate = issue_carbon(user_id=sam.id, year=2025, now=LATER)
    assert (certificate.year, certificate.co2e_g, certificate.points) == (2025, 2500, 250)
    assert verified(certificate_code(certificate)).standing == VALID


def test_a_gift_certificate_is_withdrawn_once_the_gift_is_given_back(make_user):
    admin, rita = make_user("ada", role="admin"), make_user("rita")
    credit(rita.id, 500)
    project_id = open_project(admin.id)
    given = gift(rita.id, project_id, 200)
    certificate = issue_gift(user_id=rita.id, gift_id=given.id)
    found = verified(certificate_code(certificate))
    assert (found.standing, found.certificate.points, found.project.title_en) == (
        VALID, 200, "Mangrove planting at Xiatanwei")
    cancel_and_refund(actor_id=admin.id, project_id=project_id)
    assert verified(certificate_code(certificate)).standing == WITHDRAWN_REFUNDED
    with pytest.raises(DomainError) as caught:
        issue_gift(user_id=rita.id, gift_id=given.id)
    assert caught.value.code == "certificate_gift_refunded"


def test_somebody_elses_gift_has_no_certificate_for_me(make_user):
    admin, rita, sam = make_user("ada", role="admin"), make_user("rita"), make_user("sam")
    credit(rita.id, 500)
    given = gift(rita.id, open_project(admin.id), 200)
    with pytest.raises(DomainError) as caught:
        issue_gift(user_id=sam.id, gift_id=given.id)
    assert caught.value.code == "project_unknown"


def test_an_erased_account_withdraws_its_certificates_without_the_name(volunteer):
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    delete_my_account(user_id=volunteer.id, password="correct-horse-9")
    found = verified(certificate_code(certificate))
    assert (found.standing, found.name) == (WITHDRAWN_ERASED, None)


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed to draw certificates")
def test_the_pdf_carries_the_chinese_statement_font_and_the_qr_link(volunteer, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_BASE_URL", "https://egret.example.cn")
    certificate = issue_volunteer(user_id=volunteer.id, now=LATER)
    with read_session() as session:
        pdf = certificate_pdf(describe(session, certificate=certificate))
    assert pdf.startswith(b"%PDF") and b"WenQuanYi" in pdf
    [link] = qr_texts(pdf)
    assert link == verification_link(certificate)
    assert verified(parse_qs(urlparse(link).query)["c"][0]).standing == VALID


def test_the_sums_run_in_a_read_and_the_write_only_checks_and_inserts(volunteer):
    """No read, scan or report inside a write: the hours and the year are summed before the write opens."""
    credit(volunteer.id, 300, co2e_g=900, now=LATER)
    with statements_seen() as seen:
        issue_volunteer(user_id=volunteer.id, now=LATER)
        issue_carbon(user_id=volunteer.id, year=2026, now=LATER)
    sums = [readonly for statement, readonly in seen if "sum(" in statement]
    inserts = [readonly for statement, readonly in seen if statement.startswith("insert into certificate")]
    assert sums == [True, True] and inserts == [False, False]  # the hours; the year's CO2e and points


def test_the_write_states_the_figures_it_is_given_and_new_figures_make_another_certificate(volunteer):
    with write_session() as session:  # figures read a moment before a check-out was credited
        earlier = record_volunteer(session, user_id=volunteer.id, stated=VolunteerHours(2.5, 1), now=LATER)
    now = issue_volunteer(user_id=volunteer.id, now=LATER)
    assert (earlier.hours, now.hours) == (2.5, 3.0) and earlier.id != now.id and count(Certificate) == 2
    assert verified(certificate_code(earlier)).certificate.hours == 2.5


def test_only_the_resident_themselves_gets_a_certificate(volunteer, make_user):
    organizer = make_user("olive", role="organizer")
    credit(organizer.id, 300, now=LATER)
    for issue, params in ((issue_volunteer, {}), (issue_carbon, {"year": 2026})):
        with pytest.raises(DomainError) as caught:
            issue(user_id=organizer.id, now=LATER, **params)
        assert caught.value.code == "forbidden"
    with pytest.raises(DomainError) as caught, write_session() as session:
        record_volunteer(session, user_id=organizer.id, stated=VolunteerHours(3.0, 1), now=LATER)
    assert caught.value.code == "forbidden" and count(Certificate) == 0
