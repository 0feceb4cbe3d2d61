"""Errors as RFC 9457 problem+json, the one error format of the whole suite.

Domain code raises a `Problem` subclass (or a domain exception that is one); one set of
handlers renders every error, validation errors and unexpected failures included, so a
client never sees a stack trace, SQL or an internal host name.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.requests import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("nirm.errors")


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: int
    description: str

    @property
    def uri(self) -> str:
        return f"/problems/{self.slug}"


def _types(*types: ProblemType) -> dict[str, ProblemType]:
    return {t.slug: t for t in types}


PROBLEM_TYPES: dict[str, ProblemType] = _types(
    ProblemType(
        "validation",
        "Invalid request",
        422,
        "The request body, path or query failed validation; `errors` names each field.",
    ),
    ProblemType(
        "unauthenticated",
        "Authentication required",
        401,
        "The bearer token is missing, malformed, expired, revoked or wrongly signed.",
    ),
    ProblemType(
        "forbidden",
        "Not permitted",
        403,
        "The caller's roles do not include the permission this operation needs.",
    ),
    ProblemType(
        "not-found",
        "Not found",
        404,
        "The resource does not exist or lies outside the caller's scope.",
    ),
    ProblemType(
        "method-not-allowed",
        "Method not allowed",
        405,
        "The path exists but does not take this HTTP method.",
    ),
    ProblemType(
        "conflict", "Conflict", 409, "The request conflicts with the resource's current state."
    ),
    ProblemType(
        "illegal-transition",
        "Illegal transition",
        409,
        "The resource's state machine does not allow this action from its state.",
    ),
    ProblemType(
        "consent-required",
        "Consent required",
        409,
        "The adult's current consent of the needed scope is not on record.",
    ),
    ProblemType(
        "no-capacity",
        "No free place",
        409,
        "The provider has no free place left in a residential service the action needs.",
    ),
    ProblemType(
        "unmet-steps",
        "Steps not completed",
        409,
        "A step cannot be completed before the steps it depends on.",
    ),
    ProblemType(
        "evidence-required",
        "Evidence required",
        409,
        "The step rests on a fact the mechanism does not hold yet (a best-interests "
        "determination in favour, a pre-return risk assessment, an accepted referral); "
        "`requirement` names it.",
    ),
    ProblemType(
        "travel-blocked",
        "Travel blocked",
        409,
        "A high pre-return risk blocks travel until it is lifted: for an adult by a "
        "coordinator's mitigation plan, for a child by a best-interests determination in "
        "favour, either made after the assessment; `travel_block` names the reason.",
    ),
    ProblemType(
        "precondition-failed",
        "Precondition failed",
        412,
        "`If-Match` does not match the resource's current ETag.",
    ),
    ProblemType(
        "payload-too-large",
        "Payload too large",
        413,
        "The request body exceeds the size this endpoint accepts.",
    ),
    ProblemType(
        "unsupported-media-type",
        "Unsupported media type",
        415,
        "The body must be JSON (`application/json`).",
    ),
    ProblemType(
        "idempotency-key-reused",
        "Idempotency key reused",
        422,
        "The same Idempotency-Key was sent before with a different body.",
    ),
    ProblemType(
        "idempotency-key-in-use",
        "Idempotency key in use",
        409,
        "A request with this Idempotency-Key is still being processed; retry after "
        "`Retry-After` seconds to get its answer.",
    ),
    ProblemType(
        "rate-limited",
        "Too many requests",
        429,
        "The caller exceeded its request rate; retry after `Retry-After` seconds.",
    ),
    ProblemType(
        "internal",
        "Internal error",
        500,
        "An unexpected failure; it is logged with the request id.",
    ),
    ProblemType(
        "service-unavailable",
        "Service unavailable",
        503,
        "A part of the suite this request needs is down or too slow; retry later.",
    ),
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class Problem(Exception):
    """An error a client can act on, rendered as problem+json."""

    slug = "internal"

    def __init__(
        self,
        detail: str | None = None,
        *,
        slug: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if slug is not None:
            self.slug = slug
        self.problem_type = PROBLEM_TYPES[self.slug]
        self.detail = detail or self.problem_type.title
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(self.detail)

    @property
    def status(self) -> int:
        return self.problem_type.status


class Unauthenticated(Problem):
    slug = "unauthenticated"

    def __init__(self, detail: str = "A valid bearer token is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="nirm"'})


class Forbidden(Problem):
    slug = "forbidden"


class NotFound(Problem):
    slug = "not-found"


class Conflict(Problem):
    slug = "conflict"


class ChangedMeanwhile(Conflict):
    """A write made at a row version someone else moved on from: the one answer to "the
    resource changed meanwhile" in every part (409 `conflict`), so a client has one case
    to handle: read the resource again and decide anew."""

    def __init__(self, resource: str = "resource") -> None:
        super().__init__(f"The {resource} changed meanwhile; read it again.")


class IllegalTransition(Problem):
    """An action a resource's state machine does not allow from its current state."""

    slug = "illegal-transition"


class ConsentRequired(Problem):
    """An adult's current consent of the scope an action needs is not on record."""

    slug = "consent-required"


class PreconditionFailed(Problem):
    slug = "precondition-failed"


class ServiceUnavailable(Problem):
    slug = "service-unavailable"


class ValidationProblem(Problem):
    """A 422 raised by domain code for a payload rule a schema cannot express."""

    slug = "validation"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, errors=[FieldError(field, message)])


class ProblemDetail(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str = Field(examples=["/problems/not-found"])
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None = None
    errors: list[dict[str, str]] | None = None


def problem_response(
    instance: str,
    problem_type: ProblemType,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type.uri,
        "title": problem_type.title,
        "status": problem_type.status,
        "detail": detail,
        "instance": instance,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    body.update(extra or {})
    return JSONResponse(
        body,
        status_code=problem_type.status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


# A hostile body can make field names (unknown keys) arbitrarily long; echo only a prefix.
_MAX_ECHO = 200
_MAX_ERRORS = 50


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "…"


def _field_name(location: Sequence[int | str]) -> str:
    parts = [str(p) for p in location]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return _clip(".".join(parts)) if parts else "body"


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors()[:_MAX_ERRORS]:
        message = _clip(str(error.get("msg", "invalid value")))
        errors.append(FieldError(_field_name(error.get("loc", ())), message))
    return errors


def render_problem(problem: Problem, instance: str) -> JSONResponse:
    """The answer to a raised `Problem`, also for ASGI middleware, which runs outside the
    app's exception handlers."""
    return problem_response(
        instance,
        problem.problem_type,
        problem.detail,
        errors=problem.errors,
        headers=problem.headers,
        extra=problem.extra,
    )


async def _problem_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return render_problem(exc, request.url.path)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    return problem_response(request.url.path, PROBLEM_TYPES["validation"], detail, errors=errors)


_HTTP_SLUGS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
    503: "service-unavailable",
}


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = _HTTP_SLUGS.get(exc.status_code)
    if slug is None:
        slug = "validation" if 400 <= exc.status_code < 500 else "internal"
    problem_type = PROBLEM_TYPES[slug]
    detail = exc.detail if isinstance(exc.detail, str) else problem_type.title
    return problem_response(request.url.path, problem_type, detail, headers=exc.headers)


class UnexpectedErrors:
    """Turns any unhandled exception into a 500 problem, logged with its request id.

    Placed inside the request-id middleware (unlike Starlette's outermost error handler),
    so the log line and the answer both carry the request id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error")
            if not started:
                response = problem_response(
                    scope["path"], PROBLEM_TYPES["internal"], "An unexpected error occurred."
                )
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _problem_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for a route's declared problem+json errors."""
    by_status = {t.status: t for t in reversed(PROBLEM_TYPES.values())}
    return {
        status: {
            "model": ProblemDetail,
            "description": by_status[status].title if status in by_status else "Error",
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
