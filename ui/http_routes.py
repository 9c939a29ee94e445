"""Routes served beside Streamlit through st.App: liveness and readiness, the sign-in cookie, the ledger export
and the partner API."""
import json
from datetime import date

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from db.config import get_settings
from db.engine import read_session, write_session
from db.migrate import current_revision, head_revision
from points.accounts import signin
from points.common.errors import DomainError
from points.common.roles import STAFF_READERS, require_role
from points.ledger.browser import LedgerFilter, filtered_query
from points.ledger.export import export_csv
from ui.client import forwarded_client
from ui.partner_api import PARTNER_ROUTES
from ui.security_headers import PORTAL_METRICS_PATH
from ui.vendor_assets import VENDOR_MOUNT

COOKIE_MAX_AGE = int(signin.ABSOLUTE_LIFETIME.total_seconds())
LEDGER_EXPORT_PATH = "/admin/ledger.csv"


def healthz(_request: Request) -> JSONResponse:
    """Liveness: the process answers. No database here, so a slow database never makes a proxy kill a healthy
    replica; readiness is /readyz."""
    return JSONResponse({"status": "ok"})


def readyz(_request: Request) -> JSONResponse:
    """Readiness: the database answers and is migrated to head. A plain function, so Starlette runs it in its
    thread pool: a slow database never stalls the event loop that serves every session of this process."""
    try:
        revision = current_revision()  # connects and reads alembic_version: an unreachable database fails here
    except Exception as error:  # the probe reports, it never raises
        return JSONResponse({"status": "error", "database": type(error).__name__}, status_code=503)
    head = head_revision()
    status = "ok" if revision == head else "migrations_pending"
    return JSONResponse({"status": status, "database": "ok", "revision": revision, "head": head},
                        status_code=200 if status == "ok" else 503)


def metrics(_request: Request) -> Response:
    """This process's counters in Prometheus' text format. Only a scraper with the token reaches it: the security
    headers middleware answers everyone else with a 404, as for Streamlit's own metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _same_origin(request: Request) -> bool:
    """A custom route is outside Streamlit's XSRF check: accept posts from this site only."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


def cookie_secure(request: Request) -> bool:
    """Secure behind a TLS-terminating proxy too, where the portal itself only ever sees plain HTTP: by the
    setting, or by X-Forwarded-Proto as written by the outermost proxy we trust (the X-Forwarded-For rule)."""
    settings = get_settings()
    hops = settings.trusted_proxies
    forwarded = forwarded_client(request.headers.getlist("x-forwarded-proto"), hops) if hops > 0 else None
    return settings.cookie_secure or request.url.scheme == "https" or (forwarded or "").lower() == "https"


def _redeem_handoff(handoff: str) -> str | None:
    """In Starlette's thread pool (as every database call of these async routes): a write waiting on the
    database must not stall the event loop that serves every session of this process."""
    with write_session() as session:
        return signin.cookie_for_handoff(session, handoff=handoff)


def _end_session(session_id: str | None) -> None:
    with write_session() as session:
        signin.end_session(session, session_id=session_id)


async def open_session(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    try:
        handoff = json.loads(await request.body()).get("handoff", "")
    except (ValueError, AttributeError):
        return Response(status_code=400)
    cookie = await run_in_threadpool(_redeem_handoff, str(handoff))
    if cookie is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(signin.COOKIE_NAME, cookie, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax",
                        secure=cookie_secure(request), path="/")
    return response


async def close_session(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    session_id = signin.session_id_from_cookie(request.cookies.get(signin.COOKIE_NAME))
    await run_in_threadpool(_end_session, session_id)
    response = Response(status_code=204)
    response.delete_cookie(signin.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=cookie_secure(request))
    return response


def _filters_from(query) -> LedgerFilter:
    """The ledger browser's filters from the export link's query string (ValueError on a malformed date)."""
    def day(name):
        return date.fromisoformat(query[name]) if query.get(name) else None

    return LedgerFilter(username=query.get("username", ""), action_code=query.get("action", ""),
                        kind=query.get("kind", ""), status=query.get("status", ""), date_from=day("from"),
                        date_to=day("to"))


def export_ledger(request: Request) -> Response:
    """The filtered ledger as CSV, streamed chunk by chunk from the database: memory stays flat at any size."""
    session_id = signin.session_id_from_cookie(request.cookies.get(signin.COOKIE_NAME))
    try:
        filters = _filters_from(request.query_params)
        with read_session() as session:
            user = signin.user_for_session(session, session_id=session_id, touch=False)
            require_role(session, user.id if user else None, *STAFF_READERS)
            filtered_query(session, filters=filters)  # refuses bad filters before the first byte is sent
    except ValueError:
        return Response(status_code=400)
    except DomainError as error:
        return Response(status_code={"not_signed_in": 401, "forbidden": 403}.get(error.code, 400))

    def chunks():
        with read_session() as session:
            for chunk, _done in export_csv(session, actor_id=user.id, filters=filters):
                yield chunk

    return StreamingResponse(chunks(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="ledger-export.csv"'})


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route(PORTAL_METRICS_PATH, metrics, methods=["GET"]),
    Route("/auth/session", open_session, methods=["POST"]),
    Route("/auth/signout", close_session, methods=["POST"]),
    Route(LEDGER_EXPORT_PATH, export_ledger, methods=["GET"]),
    VENDOR_MOUNT,
    PARTNER_ROUTES,
]
