"""The parts' OpenAPI documents, fetched at request time and kept for a short while.

A part that does not answer is left out of the merged document (or served from its last
good copy), so the documentation of the rest of the suite stays available.
"""

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

from gateway.forwarding.forwarder import Forwarder
from shared.errors import Problem

FRESH_FOR_SECONDS = 30.0
_FETCH_TIMEOUT = 2.0


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
