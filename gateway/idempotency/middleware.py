"""`Idempotency-Key` on every POST under `/api/v1` but the token endpoint.

An ASGI layer around the gateway's routes. For a POST with the header it admits the caller
(the route later reuses that admission), checks the key, reads the body, and asks the
store: the first request with a key runs and its successful answer is kept; a repeat by
the same principal with the same method, path and body gets that answer again with
`Idempotent-Replayed: true` and reaches no service; a repeat while the first still runs
is 409 `/problems/idempotency-key-in-use`; the key with another request is 422
`/problems/idempotency-key-reused`. A malformed key is 422 naming the header.
"""

import hashlib
import logging
import re
from collections.abc import Sequence

from fastapi import Request, Response
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.gatekeeper import authenticate
from gateway.idempotency.exceptions import MalformedIdempotencyKey
from gateway.idempotency.service import Replay, Started
from gateway.state import GatewayState
from gateway.tokens.router import TOKEN_PATH
from shared.db import utcnow
from shared.errors import Problem, render_problem

_COVERED_PREFIX = "/api/v1/"
_KEY = re.compile(r"[\x20-\x7e]{1,255}")
# The answer's headers a replay repeats (not its request id, length or server headers).
KEPT_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-type",
        "etag",
        "last-modified",
        "link",
        "location",
        "vary",
    }
)
logger = logging.getLogger("nirm.idempotency")


class IdempotentPosts:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keys = _keys(scope)
        if not keys:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            principal = await authenticate(request)
        except Problem:
            # The route gives the same refusal: a request is admitted once.
            await self.app(scope, receive, send)
            return
        state: GatewayState = scope["app"].state.gateway
        try:
            key = idempotency_key(keys)
            body = await request.body()
            started = await state.idempotency.begin(
                principal.subject_id, key, _request_hash(scope, body), utcnow()
            )
        except Problem as problem:
            await render_problem(problem, scope["path"])(scope, receive, send)
            return
        except ClientDisconnect:
            return
        if isinstance(started, Replay):
            await _replayed(started)(scope, receive, send)
            return
        await self._run(scope, receive, send, body, state, started)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        state: GatewayState,
        started: Started,
    ) -> None:
        """Run the request on the body already read, keep a successful answer, send it."""
        body_given = False

        async def receive_body() -> Message:
            nonlocal body_given
            if body_given:
                return await receive()
            body_given = True
            return {"type": "http.request", "body": body, "more_body": False}

        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        try:
            await self.app(scope, receive_body, hold)
        except BaseException:
            await _release(state, started)
            raise
        status = held[0]["status"] if held else 0
        if 200 <= status < 300:
            headers = _kept_headers(held[0].get("headers", []))
            secret = any(n == "cache-control" and "no-store" in v for n, v in headers)
            answer = b"".join(m.get("body", b"") for m in held[1:])
            try:
                await state.idempotency.keep(
                    started.record_id, status, headers, None if secret else answer
                )
            except Exception:
                # The answer stands and is sent; a repeat is 409 until the record's lease ends.
                logger.exception("idempotency record not kept", extra={"status": status})
        else:
            await _release(state, started)
        for message in held:
            await send(message)


def _keys(scope: Scope) -> list[bytes]:
    """The `Idempotency-Key` values of a covered POST (none for anything else)."""
    if (
        scope["type"] != "http"
        or scope["method"] != "POST"
        or not scope["path"].startswith(_COVERED_PREFIX)
        or scope["path"] == TOKEN_PATH
    ):
        return []
    return [value for name, value in scope["headers"] if name == b"idempotency-key"]


def idempotency_key(values: Sequence[bytes]) -> str:
    """The key, or a 422 naming the header: one value of 1 to 255 printable ASCII
    characters, not all blank."""
    if len(values) != 1:
        raise MalformedIdempotencyKey("Send one Idempotency-Key header.")
    key = values[0].decode("latin-1")
    if not _KEY.fullmatch(key) or not key.strip():
        raise MalformedIdempotencyKey("must be 1 to 255 printable ASCII characters, not all blank")
    return key


def _request_hash(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope.get("raw_path") or scope["path"].encode()):
        digest.update(part + b"\n")
    digest.update(scope["query_string"] + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _kept_headers(raw: Sequence[tuple[bytes, bytes]]) -> list[list[str]]:
    kept = []
    for name, value in raw:
        lowered = name.decode("latin-1").lower()
        if lowered in KEPT_HEADERS:
            kept.append([lowered, value.decode("latin-1")])
    return kept


def _replayed(replay: Replay) -> Response:
    response = Response(replay.body, status_code=replay.status)
    response.raw_headers.extend(
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in replay.headers
    )
    response.raw_headers.append((b"idempotent-replayed", b"true"))
    return response


async def _release(state: GatewayState, started: Started) -> None:
    try:
        await state.idempotency.release(started.record_id)
    except Exception:
        logger.exception("idempotency record not released")
