"""The certificate pages: a volunteer's download issues a certificate whose link the public page calls genuine;
a forged link is refused there in words, in both languages."""
from urllib.parse import parse_qs, urlparse

import pytest

from db.models import Certificate
from points.certificates.codes import certificate_code
from points.certificates.issuing import issue_volunteer
from tests.app.test_downloads import downloads, has_cjk_font  # noqa: F401  (the fixture, shared)
from tests.support.pdf_codes import qr_texts
from tests.support.projects import count, volunteered

CERTIFICATES, VERIFY = "pages/resident/certificates.py", "pages/public/verify.py"
pytestmark = pytest.mark.timeout(180)


def texts(app) -> str:
    return "\n".join(str(element.value) for kind in ("markdown", "info", "success", "error", "warning")
                     for element in getattr(app, kind))


@pytest.fixture
def volunteer(make_user):
    return volunteered(make_user)


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed to draw certificates")
def test_the_volunteer_downloads_a_certificate_whose_link_the_public_page_calls_genuine(volunteer, open_page,
                                                                                       downloads):  # noqa: F811
    app = open_page(CERTIFICATES, volunteer)
    assert not app.exception
    assert "Credited so far: 3.0 hours at 1 event(s)." in texts(app)
    assert count(Certificate) == 0  # issued on the click, not on every visit
    [link] = qr_texts(downloads["green-egret-certificate-volunteer.pdf"]())
    assert count(Certificate) == 1
    page = open_page(VERIFY, None, lang="zh", query={"c": parse_qs(urlparse(link).query)["c"][0]})
    assert not page.exception
    shown = texts(page)
    assert "证书真实有效" in shown
    assert "兹证明 林丽 通过白鹭绿积分参加志愿服务活动 1 场，截至签发日累计服务 3.0 小时。" in shown


def test_a_resident_without_hours_is_told_how_to_earn_them(make_user, open_page, downloads):  # noqa: F811
    app = open_page(CERTIFICATES, make_user("sam"))
    assert not app.exception
    assert "No credited volunteer hours yet." in texts(app)
    assert "green-egret-certificate-volunteer.pdf" not in downloads


@pytest.mark.parametrize("lang, words", [("en", "not genuine"), ("zh", "证书链接无效")])
def test_a_forged_link_is_refused_in_words(volunteer, open_page, lang, words):
    code = certificate_code(issue_volunteer(user_id=volunteer.id))
    number, signature = code.split(".")
    page = open_page(VERIFY, None, lang=lang, query={"c": f"{number}.{signature[::-1]}"})
    assert not page.exception
    assert words in texts(page) and "林丽" not in texts(page) and not page.success


def test_the_page_without_a_code_says_how_to_use_it(open_page):
    page = open_page(VERIFY, None)
    assert not page.exception and "Scan the QR code" in texts(page)
