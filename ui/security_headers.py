"""Security headers on every HTTP response, and the metrics endpoints (Streamlit's and the portal's /metrics)
hidden unless a token is given.

A pure ASGI middleware rather than Starlette's BaseHTTPMiddleware: that one buffers each response through a
task and breaks streaming (the ledger CSV) and WebSockets. This one only edits the first message of an HTTP
response and lets everything else, WebSockets included, pass untouched.
"""
import hmac

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.config import Settings, get_settings
from ui.compat import METRICS_PATH

PORTAL_METRICS_PATH = "/metrics"  # the portal's own counters (points.common.metrics), for Prometheus

HSTS = "max-age=31536000"
# frame-ancestors 'self': nobody frames the portal to trick a click, while Streamlit's own component frames
# (the folium map of streamlit-folium is served from /component/ on this origin) keep working.
# strict-origin-when-cross-origin: other sites see the origin only, never a path or query (QR tokens, filters);
# OpenStreetMap's tile servers refuse requests without a Referer, so no-referrer would blank the map.
BASE_HEADERS = (
    ("content-security-policy", "frame-ancestors 'self'"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
)


def headers_for(settings: Settings) -> tuple[tuple[str, str], ...]:
    """HSTS only when the deployment says it is served over HTTPS: over plain HTTP it would lock users out."""
    return BASE_HEADERS + ((("strict-transport-security", HSTS),) if settings.cookie_secure else ())


def is_metrics_path(path: str) -> bool:
    """Streamlit's or the portal's metrics route, also under a server.baseUrlPath prefix or with a trailing
    slash."""
    return path.rstrip("/").endswith((METRICS_PATH, PORTAL_METRICS_PATH))


def metrics_allowed(scope: Scope, token: str | None) -> bool:
    """Only a scraper holding the configured token; with no token configured, nobody."""
    if not token:
        return False
    given = Headers(scope=scope).get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class SecurityHeaders:
    """Wraps the whole st.App: Streamlit's page, static files, /_stcore/*, media and the custom routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()  # per request and cheap: tests and operators change the environment
        extra = headers_for(settings)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers.setdefault(name, value)  # a route that chose its own value keeps it
            await send(message)

        if is_metrics_path(scope["path"]) and not metrics_allowed(scope, settings.metrics_token):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
