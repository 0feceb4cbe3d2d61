"""The public document: the parts' OpenAPI documents, fetched at request time and kept
for a short while, merged with the gateway's own.

A part that does not answer is left out of the merged document (or served from its last
good copy), so the documentation of the rest of the suite stays available.
"""

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

from gateway.docs.merge import merge_documents
from gateway.forwarding.forwarder import Forwarder
from gateway.forwarding.routes import API_PREFIX
from shared.errors import Problem

FRESH_FOR_SECONDS = 30.0
_FETCH_TIMEOUT = 2.0
_TOKEN_URL = API_PREFIX + "/auth/token"
_INFO = {
    "title": "NIRM public API",
    "version": "1",
    "description": (
        "The national identification and referral mechanism for victims of human "
        "trafficking. Every call but the token endpoint needs `Authorization: Bearer "
        "<token>`; every error is `application/problem+json` (see `/problems`)."
    ),
}
# How a client gets a token: from the gateway's token endpoint, or (when the suite trusts
# an external OpenID Connect issuer) from that issuer.
_OWN_TOKENS = {
    "oauth2": {
        "type": "oauth2",
        "flows": {
            "password": {"tokenUrl": _TOKEN_URL, "refreshUrl": _TOKEN_URL, "scopes": {}},
            "clientCredentials": {"tokenUrl": _TOKEN_URL, "scopes": {}},
        },
    }
}
_EXTERNAL_TOKENS = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


class OpenApiCatalogue:
    def __init__(self, parts: Sequence[str]) -> None:
        self.parts = tuple(sorted(parts))
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    async def documents(self, forwarder: Forwarder) -> dict[str, dict[str, Any] | None]:
        """Each part's document, or None for a part that never answered."""
        answers = await asyncio.gather(*(self._document(forwarder, p) for p in self.parts))
        return dict(zip(self.parts, answers, strict=True))

    async def _document(self, forwarder: Forwarder, part: str) -> dict[str, Any] | None:
        cached = self._cache.get(part)
        now = time.monotonic()
        if cached is not None and now - cached[0] < FRESH_FOR_SECONDS:
            return cached[1]
        try:
            upstream = await forwarder.send(
                part, "GET", "/openapi.json", [], deadline=_FETCH_TIMEOUT
            )
            document = json.loads(upstream.body) if upstream.status == 200 else None
        except (Problem, ValueError):
            document = None
        if not isinstance(document, dict):
            return cached[1] if cached is not None else None
        self._cache[part] = (now, document)
        return document


class DocumentService:
    """The merged public document, as this gateway serves it."""

    def __init__(
        self, catalogue: OpenApiCatalogue, forwarder: Forwarder, *, own_tokens: bool
    ) -> None:
        self.catalogue = catalogue
        self.forwarder = forwarder
        self.own_tokens = own_tokens

    async def public_document(self, gateway_document: dict[str, Any]) -> dict[str, Any]:
        """The gateway's own document merged with every part's that answers; the parts
        that do not are named in `info.x-unavailable-parts`."""
        fetched = await self.catalogue.documents(self.forwarder)
        documents: dict[str, Any] = {"gateway": gateway_document}
        documents.update({part: doc for part, doc in fetched.items() if doc is not None})
        document = merge_documents(
            _INFO,
            documents,
            security_schemes=_OWN_TOKENS if self.own_tokens else _EXTERNAL_TOKENS,
        )
        # Every path is served by the gateway that serves this document, wherever it runs.
        document["servers"] = [{"url": "/", "description": "This gateway"}]
        missing = sorted(part for part, doc in fetched.items() if doc is None)
        if missing:
            document["info"]["x-unavailable-parts"] = missing
        return document
