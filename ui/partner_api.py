"""The partner API on st.App routes: POST /api/v1/partner/links, POST /api/v1/partner/events and the OpenAPI
document at GET /api/v1/openapi.json. docs/partners.md is the integration guide.

A request goes through, in order: method, signature headers, body size, signature, rate limit, content type,
schema; only then does it open one write_session() for the whole request, so a bad request of any kind writes
nothing and the slow parts (reading the body, HMAC, pydantic) never run under SQLite's city-wide write lock.
The handlers are async and hand the blocking database work to Starlette's thread pool, so the server's event
loop (which also carries every resident's Streamlit WebSocket) keeps moving while a batch is written.
"""
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from db.engine import write_session
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.metrics import REFUSALS, UNEXPECTED
from points.partners.events import PartnerEventIn, ingest_events
from points.partners.links import link_by_code
from ui import partner_api_guard as guard
from ui.partner_api_schema import (
    EventResult,
    EventsRequest,
    EventsResponse,
    LinkRequest,
    LinkResponse,
    openapi_document,
)

API_PREFIX = "/api/v1"
MAX_FIELD_ERRORS = 50  # a batch of 1000 broken events does not need 1000 lines of detail
PARTNER_GONE = ("partner_unknown", "partner_disabled")  # disabled between the signature check and the write
FIELD_OF_CODE = {"partner_subject_invalid": "subject"}
M = TypeVar("M", bound=BaseModel)
LOG = logging.getLogger("green_egret.partner_api")


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _invalid(details: list[dict]) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "detail": details[:MAX_FIELD_ERRORS]}, status_code=400)


def _schema_errors(error: ValidationError) -> JSONResponse:
    """pydantic's errors with the field as a dotted path; never the input itself, which may be large."""
    return _invalid([{"field": _dotted(item["loc"]), "msg": item["msg"], "type": item["type"]}
                     for item in error.errors(include_url=False, include_input=False)])


def _only(method: str) -> None:
    """Refusal 405 for any other method: Route(methods=...) would let a GET fall through to Streamlit's page."""
    if method != "POST":
        raise guard.Refusal(405, "method_not_allowed", {"Allow": "POST"})


def _json_body(request: Request) -> None:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise guard.Refusal(415, "unsupported_media_type")


async def _signed_payload(request: Request, model: type[M], now: datetime) -> tuple[int, M]:
    """(partner id, parsed body) of a request that passed every check, or the Refusal / ValidationError."""
    _only(request.method)
    partner_id = guard.partner_id_from(request)
    body = await guard.read_body(request)
    signed_by = await guard.verify(request, partner_id=partner_id, body=body, now=now)
    guard.take_turn(signed_by)
    _json_body(request)
    return partner_id, model.model_validate_json(body)


def _endpoint(model: type[M], write: Callable[[int, M, datetime], BaseModel]):
    """An async endpoint: every check on the event loop, then `write(partner_id, payload, now)` in a thread."""

    async def endpoint(request: Request) -> Response:
        now = utcnow()
        try:
            partner_id, payload = await _signed_payload(request, model, now)
            result = await run_in_threadpool(write, partner_id, payload, now)
        except guard.Refusal as refusal:
            REFUSALS.labels(code=f"partner_{refusal.code}").inc()
            return JSONResponse(refusal.body(), status_code=refusal.status, headers=refusal.headers)
        except ValidationError as error:
            return _schema_errors(error)
        except DomainError as error:
            REFUSALS.labels(code=error.code).inc()
            if error.code in PARTNER_GONE:
                return JSONResponse({"error": guard.UNAUTHORIZED[1]}, status_code=guard.UNAUTHORIZED[0])
            return _invalid([{"field": FIELD_OF_CODE.get(error.code, ""), "msg": error.code, "type": error.code}])
        except Exception:  # the transaction rolled back whole: the partner may resend the same batch as it is
            UNEXPECTED.inc()
            LOG.exception("partner API request failed")
            return JSONResponse({"error": "internal_error"}, status_code=500)
        return Response(result.model_dump_json(), media_type="application/json")

    return endpoint


def write_link(partner_id: int, payload: LinkRequest, now: datetime) -> LinkResponse:
    with write_session() as session:
        outcome = link_by_code(session, partner_id=partner_id, code=payload.code, subject=payload.subject, now=now)
    return LinkResponse(outcome=outcome)


def write_events(partner_id: int, payload: EventsRequest, now: datetime) -> EventsResponse:
    """The whole batch in one transaction: every outcome is written, or (on any error) none."""
    events = [PartnerEventIn(id=event.id, subject=event.subject, action=event.action, quantity=event.quantity,
                             occurred_at=event.occurred_at) for event in payload.events]
    with write_session() as session:
        outcomes = ingest_events(session, partner_id=partner_id, events=events, now=now)
    return EventsResponse(results=[EventResult(id=outcome.id, outcome=outcome.outcome, points=outcome.points)
                                   for outcome in outcomes])


async def openapi(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return JSONResponse({"error": "method_not_allowed"}, status_code=405, headers={"Allow": "GET, HEAD"})
    return JSONResponse(openapi_document())


# Every method reaches the handlers, which answer 405 in JSON themselves (see _only).
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
PARTNER_ROUTES = Mount(API_PREFIX, routes=[
    Route("/partner/links", _endpoint(LinkRequest, write_link), methods=ANY_METHOD),
    Route("/partner/events", _endpoint(EventsRequest, write_events), methods=ANY_METHOD),
    Route("/openapi.json", openapi, methods=ANY_METHOD),
])
