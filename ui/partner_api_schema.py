"""The partner API's request and response bodies as pydantic models, and the OpenAPI 3.1 document built from them.

The models are the one description of the wire format: requests are validated by them, responses are
serialised through them, and the OpenAPI document takes its schemas from model_json_schema, so the
document cannot drift from what the server really accepts and sends.
Requests are strict (no "12" for 12, no number for a date) and closed (an unknown field such as a misspelt
"occured_at" is refused): a partner's mistake surfaces as a 400 naming the field instead of a silent default.
"""
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from points.partners.events import MAX_BATCH, MAX_ID, OUTCOMES
from points.partners.links import LINK_OUTCOMES, MAX_SUBJECT

MAX_BODY_BYTES = 1024 * 1024
MAX_ACTION = 40  # ActionType.code
MAX_CODE = 32  # a link code is 8 characters; a little room for spaces and dashes typed around it


def _printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must not contain control characters")
    return value


Text = Annotated[str, AfterValidator(_printable)]


class _Request(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class LinkRequest(_Request):
    """Redeem a link code the resident got from the portal (or a service desk) for the partner's subject."""

    code: Text = Field(min_length=1, max_length=MAX_CODE, description="the resident's one-time link code")
    subject: Text = Field(min_length=1, max_length=MAX_SUBJECT, description="the partner's id for the resident, "
                          "e.g. a card number; later events name the resident by it")


class EventIn(_Request):
    id: Text = Field(min_length=1, max_length=MAX_ID, description="unique per partner: a resend is a duplicate")
    subject: Text = Field(min_length=1, max_length=MAX_SUBJECT, description="a subject linked through /links")
    action: Text = Field(min_length=1, max_length=MAX_ACTION, description="a catalogue code the partner may "
                         "report, e.g. metro")
    quantity: float = Field(gt=0, allow_inf_nan=False, description="in the action's unit (km, kg, hours)")
    occurred_at: AwareDatetime = Field(description="ISO 8601 with a UTC offset, e.g. 2026-12-01T08:30:00+08:00")


class EventsRequest(_Request):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH)


class LinkResponse(BaseModel):
    outcome: Literal[LINK_OUTCOMES]  # type: ignore[valid-type]  (a tuple of strings, as Literal accepts)


class EventResult(BaseModel):
    id: str
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    points: int


class EventsResponse(BaseModel):
    results: list[EventResult] = Field(description="one per event sent, in the same order")


class ErrorResponse(BaseModel):
    error: str = Field(description="unauthorized, payload_too_large, rate_limited, method_not_allowed, "
                       "unsupported_media_type, internal_error")


class FieldError(BaseModel):
    field: str = Field(description="dotted path of the field, e.g. events.3.occurred_at (empty: the whole body)")
    msg: str
    type: str


class InvalidRequestResponse(BaseModel):
    error: Literal["invalid_request"]
    detail: list[FieldError]


MODELS = (LinkRequest, EventsRequest, LinkResponse, EventsResponse, ErrorResponse, InvalidRequestResponse)
SIGNATURE_HELP = (
    "Every request carries three headers: X-Partner-Id (the partner's number), X-Timestamp (unix seconds, within "
    "300 s of the server's clock) and X-Signature: sha256=<hex HMAC-SHA256(secret, \"{timestamp}.{raw body}\")>. "
    "The signature covers the exact bytes sent. A missing or wrong signature, an unknown or disabled partner or "
    "a stale timestamp all get the same 401.")

# All three together make one security requirement: the signature is only valid with the id and timestamp.
SECURITY_SCHEMES = {
    "partnerId": ("X-Partner-Id", "the partner's number, shown with its secret when it was created"),
    "partnerTimestamp": ("X-Timestamp", "unix seconds when the request was signed"),
    "partnerSignature": ("X-Signature", SIGNATURE_HELP),
}


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str, headers: dict | None = None) -> dict:
    response: dict = {"description": description, "content": {"application/json": {"schema": _ref(model)}}}
    if headers:
        response["headers"] = headers
    return response


def _errors() -> dict:
    retry_after = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    return {
        "400": _json(InvalidRequestResponse, "malformed JSON, a field that breaks the schema or a malformed "
                                             "Content-Length; nothing written"),
        "401": _json(ErrorResponse, "missing or wrong signature, unknown or disabled partner, or a timestamp more "
                                    "than 300 s off; nothing written"),
        "405": _json(ErrorResponse, "only POST"),
        "413": _json(ErrorResponse, f"body over {MAX_BODY_BYTES} bytes; nothing written"),
        "415": _json(ErrorResponse, "the body must be sent as application/json"),
        "429": _json(ErrorResponse, "over the partner's requests per minute; nothing written", retry_after),
        "500": _json(ErrorResponse, "the server failed and wrote nothing; resend the request as it is"),
    }


def _post(summary: str, description: str, request: type[BaseModel], response: type[BaseModel]) -> dict:
    return {"post": {"summary": summary, "description": description, "security": [dict.fromkeys(SECURITY_SCHEMES, [])],
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(request)}}},
                     "responses": {"200": _json(response, "the outcome"), **_errors()}}}


@cache
def openapi_document() -> dict:
    """The OpenAPI 3.1 document served at /api/v1/openapi.json."""
    _, schemas = models_json_schema([(model, "validation") for model in MODELS],
                                    ref_template="#/components/schemas/{model}")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Green Egret partner API", "version": "1",
                 "description": "Verified sources (metro, bike share, recycling machines, utilities) link "
                                "residents' accounts and report what they did. See docs/partners.md."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/partner/links": _post("Link a resident", "Redeem a resident's one-time link code for a subject.",
                                    LinkRequest, LinkResponse),
            "/partner/events": _post(
                "Report events", f"1 to {MAX_BATCH} events, written as one transaction: all outcomes or none. "
                "Idempotent per (partner, id): a resent event is a duplicate and earns nothing.",
                EventsRequest, EventsResponse),
        },
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {name: {"type": "apiKey", "in": "header", "name": header, "description": text}
                                for name, (header, text) in SECURITY_SCHEMES.items()},
        },
    }
