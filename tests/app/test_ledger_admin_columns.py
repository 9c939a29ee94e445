"""The admin's ledger browser in Chinese: action names in words (not codes) and the claim each entry came from."""
from db.engine import write_session
from points.review.queue import decide
from tests.support.admin import pending_claim, with_catalogue

ADMIN_LEDGER = "pages/admin/admin_ledger.py"


def test_entries_show_the_action_name_and_their_claim(make_user, open_page):
    with_catalogue()
    admin, rita = make_user("boss", role="admin"), make_user("rita")
    claim_id = pending_claim(rita.id)
    with write_session() as session:
        decide(session, actor_id=admin.id, claim_id=claim_id, approve=True, reason=None)
    app = open_page(ADMIN_LEDGER, admin, lang="zh")
    assert not app.exception
    table = app.dataframe[0].value
    assert table["行为"].tolist() == ["乘地铁出行"]
    assert table["申报单"].tolist() == [claim_id]
    assert "乘地铁出行" in app.selectbox(key="ledger_action").options
    assert "metro" not in app.selectbox(key="ledger_action").options
