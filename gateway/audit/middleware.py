"""Recording requests in the audit log once their answer is known.

An ASGI layer around the gateway's routes, forwarded and its own. A request `actions.
classify` names, a request refused with 401 or 403, and a refused sign-in are held until
the whole answer is there; the event is appended; then the answer goes out.

When the event cannot be written:
- a read of personal data fails closed: 503, the data is not returned;
- anything else (a write already done by a service, a refusal) goes out unchanged — it
  has happened, and hiding it would only make the client repeat it — and the missing event
  is logged as an error with its fields (no personal data is among them).

`X-Purpose` is validated here for every request: at most 200 characters of UTF-8 text
without control or invisible format characters, else 422 naming the header.
"""

import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.audit.actions import Action, as_uuid, classify, refused_action
from gateway.audit.exceptions import AccessNotRecorded, BadPurpose
from gateway.audit.models import AuditEvent
from gateway.state import GatewayState
from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import Problem, render_problem
from shared.requests import current_request_id

PURPOSE_MAX_LENGTH = 200
SIGN_IN_REFUSED = "auth.token.refused"
_REFUSALS = frozenset({401, 403})
_SIGN_IN_NOTE = "refused_sign_in"
# Answers larger than this are not searched for the ids of what they created.
_MAX_PARSED_ANSWER = 1024 * 1024
_MAX_WARNINGS = 10
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
logger = logging.getLogger("nirm.audit")


def note_refused_sign_in(request: Request, attempted: str | None) -> None:
    """Have the log record this token request as a refused sign-in of `attempted` (the
    username or client id sent, if any), whatever its status."""
    setattr(request.state, _SIGN_IN_NOTE, attempted)


class AuditTrail:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        action = classify(scope["method"], scope["path"])
        responder = self.app
        try:
            purpose = declared_purpose(scope["headers"])
        except Problem as problem:
            purpose, responder = None, render_problem(problem, scope["path"])
        held: list[Message] = []
        passing = False

        async def watch(message: Message) -> None:
            nonlocal passing
            if message["type"] == "http.response.start":
                passing = (
                    action is None
                    and message["status"] not in _REFUSALS
                    and _SIGN_IN_NOTE not in scope.get("state", {})
                )
            if passing:
                await send(message)
            else:
                held.append(message)

        await responder(scope, receive, watch)
        if passing or not held:
            return
        event = audit_event(scope, action, purpose, held)
        state: GatewayState = scope["app"].state.gateway
        try:
            await state.audit.record(event)
        except Exception:
            logger.exception(
                "audit event not recorded: %s",
                json.dumps({**event.content(), "sequence": None, "prev_hash": None}),
                extra={"status": event.status, "path": event.path, "method": event.method},
            )
            if action is not None and action.fail_closed:
                await render_problem(AccessNotRecorded(), scope["path"])(scope, receive, send)
                return
        for message in held:
            await send(message)


def declared_purpose(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    """The `X-Purpose` a client declared, or None; `BadPurpose` (422) when malformed."""
    values = [value for name, value in headers if name == b"x-purpose"]
    if not values:
        return None
    if len(values) > 1:
        raise BadPurpose("Send one X-Purpose header.")
    try:
        purpose = values[0].decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise BadPurpose("X-Purpose must be UTF-8 text.") from exc
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise BadPurpose(f"X-Purpose may have at most {PURPOSE_MAX_LENGTH} characters.")
    if any(unicodedata.category(c).startswith("C") for c in purpose):
        raise BadPurpose("X-Purpose may not contain control or invisible characters.")
    return purpose or None


def audit_event(
    scope: Scope, action: Action | None, purpose: str | None, held: Sequence[Message]
) -> AuditEvent:
    """The event of a request from its scope and its held answer, at the time the answer
    is known (its place in the chain is set when it is appended)."""
    start = held[0]
    status: int = start["status"]
    state: dict[str, Any] = scope.get("state", {})
    principal = state.get("principal")
    principal = principal if isinstance(principal, Principal) else None
    refused_sign_in = _SIGN_IN_NOTE in state
    if refused_sign_in:
        action = Action(SIGN_IN_REFUSED, "account", None, None)
    elif action is None:
        action = refused_action(scope["method"], scope["path"])
    resource_id, case_id = action.resource_id, action.case_id
    warnings = None
    if 200 <= status < 300 and (resource_id is None or case_id is None or action.answer_warnings):
        answer = _answer_object(held)
        resource_id = resource_id or as_uuid(answer.get("id"))
        case_id = case_id or as_uuid(answer.get("case_id"))
        if action.answer_warnings:
            warnings = _warning_codes(answer.get("warnings"))
    if refused_sign_in:
        actor_name = _clean(state[_SIGN_IN_NOTE], 200) or None
    else:
        actor_name = _clean(principal.username, 200) if principal else None
    headers = dict(start.get("headers", []))
    client = scope.get("client")
    return AuditEvent(
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        action=action.name,
        method=scope["method"][:8],
        path=_clean(_raw_path(scope), 512),
        status=status,
        actor_id=principal.subject_id if principal else None,
        actor_kind=principal.kind[:16] if principal else None,
        actor_name=actor_name,
        organisation_id=principal.organisation_id if principal else None,
        roles=sorted(principal.roles) if principal else [],
        resource_type=action.resource_type,
        resource_id=resource_id,
        case_id=case_id,
        request_id=current_request_id(),
        client_address=_clean(client[0], 64) if client else None,
        forwarded_for=_clean(_header(scope, b"x-forwarded-for"), 256),
        purpose=purpose,
        replayed=headers.get(b"idempotent-replayed") == b"true",
        warnings=warnings,
    )


def _warning_codes(warnings: object) -> list[str] | None:
    """The codes of an answer's `warnings` (`[{code, ...}]`), as words; None for none."""
    if not isinstance(warnings, list):
        return None
    codes = [
        w["code"]
        for w in warnings[:_MAX_WARNINGS]
        if isinstance(w, dict) and isinstance(w.get("code"), str) and _CODE.match(w["code"])
    ]
    return codes or None


def _raw_path(scope: Scope) -> str:
    raw: bytes | None = scope.get("raw_path")
    return raw.decode("latin-1") if raw else str(scope["path"])


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    return next((v.decode("latin-1") for k, v in headers if k == name), None)


def _clean(text: str | None, limit: int) -> str | None:
    """Text as stored: control characters (a NUL, which PostgreSQL refuses) replaced."""
    if text is None:
        return None
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in text[:limit])


def _answer_object(held: Sequence[Message]) -> dict[str, Any]:
    """The answer's JSON object, if it is one (the ids of what a request created)."""
    body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
    if len(body) > _MAX_PARSED_ANSWER:
        return {}
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return answer if isinstance(answer, dict) else {}
