"""Routes served beside Streamlit through st.App: health check and the sign-in cookie."""
import json

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from db.engine import get_engine, write_session
from db.migrate import current_revision, head_revision
from points import signin
from ui.vendor_assets import VENDOR_MOUNT

COOKIE_MAX_AGE = int(signin.ABSOLUTE_LIFETIME.total_seconds())


async def healthz(_request: Request) -> JSONResponse:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision()
    except Exception as error:  # the probe reports, it never raises
        return JSONResponse({"status": "error", "database": type(error).__name__}, status_code=503)
    head = head_revision()
    status = "ok" if revision == head else "migrations_pending"
    return JSONResponse({"status": status, "database": "ok", "revision": revision, "head": head},
                        status_code=200 if status == "ok" else 503)


def _same_origin(request: Request) -> bool:
    """A custom route is outside Streamlit's XSRF check: accept posts from this site only."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


async def open_session(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    try:
        handoff = json.loads(await request.body()).get("handoff", "")
    except (ValueError, AttributeError):
        return Response(status_code=400)
    with write_session() as session:
        cookie = signin.cookie_for_handoff(session, handoff=str(handoff))
    if cookie is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(signin.COOKIE_NAME, cookie, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


async def close_session(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    session_id = signin.session_id_from_cookie(request.cookies.get(signin.COOKIE_NAME))
    with write_session() as session:
        signin.end_session(session, session_id=session_id)
    response = Response(status_code=204)
    response.delete_cookie(signin.COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/auth/session", open_session, methods=["POST"]),
    Route("/auth/signout", close_session, methods=["POST"]),
    VENDOR_MOUNT,
]
