"""`POST /api/v1/auth/token` (OAuth2, RFC 6749) and `GET /.well-known/jwks.json`.

The token endpoint is the one place that answers errors in the OAuth2 format rather than
problem+json, malformed forms included: its route class turns validation errors into
`invalid_request`. A refused password or client credential, and an attempt the sign-in
guard refuses (429), is recorded in the audit log as `auth.token.refused`.
"""

import base64
import binascii
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from gateway.audit.middleware import note_refused_sign_in
from gateway.forwarding.routes import API_PREFIX
from gateway.state import State
from gateway.tokens.dependencies import Tokens
from gateway.tokens.exceptions import NoTokensIssued, OAuthError
from gateway.tokens.schemas import OAuthErrorBody, OAuthErrorCode, TokenRequest, TokenResponse
from shared.db import utcnow
from shared.errors import validation_errors

TOKEN_PATH = API_PREFIX + "/auth/token"
# RFC 6749 §5.1: token answers must not be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Refusals of the credentials themselves (not of a malformed request): the audit log's.
_REFUSED_CREDENTIALS = frozenset({OAuthErrorCode.INVALID_GRANT, OAuthErrorCode.INVALID_CLIENT})


def oauth_error_response(error: OAuthError) -> JSONResponse:
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="nirm"'
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    body = OAuthErrorBody(error=error.error, error_description=error.description)
    return JSONResponse(body.model_dump(mode="json"), status_code=error.status, headers=headers)


class _OAuthRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def oauth_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                detail = "; ".join(f"{e.field}: {e.message}" for e in validation_errors(exc))
                return oauth_error_response(OAuthError(OAuthErrorCode.INVALID_REQUEST, detail))

        return oauth_handler


def _basic_client(request: Request) -> tuple[str, str] | None:
    """Client id and secret from `Authorization: Basic` (RFC 6749 §2.3.1), if sent."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, separator, secret = (
            base64.b64decode(credentials, validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError(
            OAuthErrorCode.INVALID_CLIENT, "The Basic credentials are malformed."
        ) from exc
    if not separator:
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "The Basic credentials are malformed.")
    return unquote_plus(client_id), unquote_plus(secret)


router = APIRouter(route_class=_OAuthRoute, tags=["auth"])
# One "4XX" entry (400 for a malformed request or a refused grant, 401 for a client that
# failed to authenticate): the endpoint never answers FastAPI's default 422.
_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "model": OAuthErrorBody,
        "description": "400: a malformed request or a refused grant; 401: unknown client or "
        "wrong client secret (RFC 6749 §5.2); 429: too many failed sign-ins for the account "
        "or from the address, retry after `Retry-After` seconds",
    },
}


@router.post(
    TOKEN_PATH,
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=_OAUTH_ERRORS,
    openapi_extra={"security": []},
)
async def create_token(
    form: Annotated[TokenRequest, Form()],
    request: Request,
    tokens: Tokens,
) -> Response:
    """Get an access token: for a user (`password`), an API client (`client_credentials`)
    or by a refresh token (`refresh_token`), which is rotated on each use."""
    basic = None
    try:
        tokens.ensure_issuing()
        # Only a client authenticates with Basic; a user agent may send other credentials.
        basic = _basic_client(request) if form.grant_type == "client_credentials" else None
        address = request.client.host if request.client else None
        answer = await tokens.grant(form, basic, address, utcnow())
    except OAuthError as error:
        if error.error in _REFUSED_CREDENTIALS:
            attempted = form.username or form.client_id or (basic[0] if basic else None)
            note_refused_sign_in(request, attempted)
        return oauth_error_response(error)
    return JSONResponse(answer.model_dump(exclude_none=True), headers=_NO_STORE)


jwks_router = APIRouter(include_in_schema=False)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(state: State) -> JSONResponse:
    """The public keys that verify the gateway's tokens."""
    if state.signing_key is None:
        raise NoTokensIssued()
    return JSONResponse(state.signing_key.jwks, headers={"Cache-Control": "public, max-age=300"})
