"""GET /admin/ledger.csv streams the filtered ledger to staff with a valid sign-in cookie, and nobody else."""
import asyncio
import csv
import io

from starlette.requests import Request

from db.engine import write_session
from points.accounts import signin
from points.ledger.chain import post
from tests.support.own_loop import run_in_own_loop
from ui.http_routes import export_ledger


def _cookie_for(user) -> str:
    with write_session() as session:
        _, handoff = signin.start_session(session, user_id=user.id)
    with write_session() as session:
        return signin.cookie_for_handoff(session, handoff=handoff)


async def _get(query: str, cookie: str | None):
    headers = [(b"cookie", f"{signin.COOKIE_NAME}={cookie}".encode())] if cookie else []
    request = Request({"type": "http", "method": "GET", "path": "/admin/ledger.csv", "headers": headers,
                       "query_string": query.encode()})
    response = await asyncio.to_thread(export_ledger, request)  # as Starlette runs a plain route: in a thread
    body = b""
    if hasattr(response, "body_iterator"):
        async for chunk in response.body_iterator:
            body += chunk.encode() if isinstance(chunk, str) else chunk
    return response.status_code, body.decode()


def _call(query: str, cookie: str | None):
    return run_in_own_loop(_get(query, cookie))


def _credit(user, times: int) -> None:
    with write_session() as session:
        for n in range(times):
            post(session, user_id=user.id, kind="earn", points=10 + n, idempotency_key=f"t:{user.id}:{n}",
                 request={"n": n}, action_code="metro")


def test_staff_get_the_filtered_rows_as_csv(make_user):
    admin, rita, sam = make_user("boss", role="admin"), make_user("rita"), make_user("sam")
    _credit(rita, 3)
    _credit(sam, 2)
    status, body = _call("username=rita&kind=earn", _cookie_for(admin))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert status == 200
    assert sorted(int(row["points"]) for row in rows) == [10, 11, 12] and {row["username"] for row in rows} == {"rita"}
    auditor = make_user("eve", role="auditor")
    assert _call("", _cookie_for(auditor))[0] == 200


def test_residents_strangers_and_bad_filters_get_nothing(make_user):
    rita = make_user("rita")
    _credit(rita, 2)
    assert _call("", _cookie_for(rita)) == (403, "")
    assert _call("", None) == (401, "")
    assert _call("", "forged-cookie") == (401, "")
    admin = make_user("boss", role="admin")
    assert _call("from=2026-13-40", _cookie_for(admin)) == (400, "")
    assert _call("kind=bogus", _cookie_for(admin)) == (400, "")
