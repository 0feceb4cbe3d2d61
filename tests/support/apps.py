"""Running real apps in-process: over ASGI, with their lifespan, wired to each other."""

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from fastapi import FastAPI


class SuiteTransport(httpx.AsyncBaseTransport):
    """Routes each request to the in-process app named by the URL's host."""

    def __init__(self, apps: Mapping[str, FastAPI] | None = None) -> None:
        self.apps: dict[str, httpx.ASGITransport] = {}
        for host, app in (apps or {}).items():
            self.add(host, app)

    def add(self, host: str, app: FastAPI) -> None:
        self.apps[host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.apps.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no app at {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@asynccontextmanager
async def running(*apps: FastAPI) -> AsyncIterator[None]:
    """Run the apps' lifespans (relay, clients) for the duration of the block."""
    async with AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
        yield


@asynccontextmanager
async def client_for(
    app: FastAPI, base_url: str = "http://test"
) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield client
