"""The demo resident links the demo recycling machine in Chromium on a phone, in Chinese: agrees, gets the code,
the machine redeems it through the portal's real partner API, the link shows after a reload, a weighing credits,
and after unlinking the next one does not."""
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session
from db.models import PartnerLink
from points.partners.links import CODE_ALPHABET, CODE_LENGTH
from points.partners.registry import partner_by_name, signing_secrets
from tests.browser.conftest import ROOT, WAIT_SCALE, scaled, sign_in, wait_idle
from tests.support.partners import signed_headers
from tests.support.portal import PORTAL_SECRET, running_portal

RECYCLER, SUBJECT = "demo-recycler", "bin-card-7"


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory, chromium):
    """A portal of its own, seeded with the demo, so this test may write to its database: (URL, database URL)."""
    data = tmp_path_factory.mktemp("linked-portal")
    database = f"sqlite:///{data / 'portal.db'}"
    env = {"DATABASE_URL": database, "GREEN_EGRET_DATA_DIR": str(data), "GREEN_EGRET_SECRET": PORTAL_SECRET}
    subprocess.run([sys.executable, "manage.py", "seed", "--demo"], cwd=ROOT, env={**os.environ, **env},
                   check=True, capture_output=True)
    with running_portal(data, start_timeout=60 * WAIT_SCALE) as base:
        yield base, database


@pytest.fixture
def on_portal_db(demo_portal, monkeypatch):
    """Domain calls from the test act on the running portal's database, with its secret (codes are HMACs)."""
    monkeypatch.setenv("DATABASE_URL", demo_portal[1])
    monkeypatch.setenv("GREEN_EGRET_SECRET", PORTAL_SECRET)
    return demo_portal[0]


def recycler_links() -> list[PartnerLink]:
    with read_session() as session:
        partner_id = partner_by_name(session, name=RECYCLER).id
        return list(session.exec(select(PartnerLink).where(PartnerLink.partner_id == partner_id)))


def partner_post(base: str, partner_id: int, path: str, body: dict) -> dict:
    """A signed POST to the running portal's partner API, as the machine sends it; its JSON answer."""
    with read_session() as session:
        secret = signing_secrets(session, partner_id=partner_id)[0]
    raw, headers = signed_headers(partner_id, secret, body, now=datetime.now(UTC))
    answer = httpx.post(f"{base}/api/v1/partner/{path}", content=raw,
                        headers={"Content-Type": "application/json", **headers}, timeout=30 * WAIT_SCALE)
    assert answer.status_code == 200, answer.text
    return answer.json()


def weighing(base: str, partner_id: int, event_id: str) -> tuple[str, int]:
    """One kilogram of paper weighed by the machine a minute ago: (outcome, points)."""
    when = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    [result] = partner_post(base, partner_id, "events", {"events": [
        {"id": event_id, "subject": SUBJECT, "action": "paper", "quantity": 1, "occurred_at": when}]})["results"]
    return result["outcome"], result["points"]


def tick(scope, label: str) -> None:
    """Tick a checkbox by its label and see it ticked: a click that lands while the expander is still opening on a
    loaded machine is otherwise lost without a word, and the button it enables stays disabled."""
    box = scope.get_by_role("checkbox", name=label).last
    for _ in range(3):
        scope.get_by_text(label).last.click()
        try:
            expect(box).to_be_checked(timeout=scaled(3_000))
            return
        except AssertionError:
            continue
    expect(box).to_be_checked()


def press(button) -> None:
    """Click a button the last run enabled, once the run has drawn it enabled."""
    expect(button).to_be_enabled()
    button.click()


def test_the_demo_resident_links_and_unlinks_a_partner_in_chinese(on_portal_db, new_page):
    base = on_portal_db
    page = new_page(phone=True)
    sign_in(page, base, "resident")
    page.goto(f"{base}/account?lang=zh")
    wait_idle(page)
    expect(page.get_by_text("demo-metro", exact=False).first).to_be_visible()  # linked by the demo seed
    page.get_by_text(f"{RECYCLER} · 智能回收机").click()
    expect(page.get_by_text("共享哪些信息").last).to_be_visible()
    tick(page, "我同意向白鹭绿积分共享上述信息")
    press(page.get_by_role("button", name="获取关联码").last)
    wait_idle(page)
    box = page.locator(".st-key-link_code_box")
    expect(box.get_by_text(f"你的 {RECYCLER} 关联码")).to_be_visible()
    code = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", code)
    expect(box.get_by_text("分钟内")).to_be_visible()

    with read_session() as session:
        partner_id = partner_by_name(session, name=RECYCLER).id
    assert partner_post(base, partner_id, "links", {"code": code, "subject": SUBJECT}) == {"outcome": "linked"}
    outcome, points = weighing(base, partner_id, "weigh-1")
    assert outcome == "credited" and points > 0

    page.reload()
    wait_idle(page)
    active = page.locator(f".st-key-link_active_{partner_id}")
    expect(active.get_by_text(f"账户 {SUBJECT}")).to_be_visible()
    expect(page.locator(".st-key-link_code_box")).to_have_count(0)
    tick(active, f"立即停止 {RECYCLER} 的计分")
    press(active.get_by_role("button", name="解除关联"))
    wait_idle(page)
    expect(page.get_by_text(f"已解除与 {RECYCLER} 的关联")).to_be_visible()
    expect(page.locator(f".st-key-link_active_{partner_id}")).to_have_count(0)
    [link] = recycler_links()
    assert link.subject == SUBJECT and link.withdrawn_at is not None
    assert weighing(base, partner_id, "weigh-2") == ("not_linked", 0)  # unlinking stopped crediting at once
