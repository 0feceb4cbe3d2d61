"""Every route of every part runs in the event loop's thread, dependencies included.

FastAPI runs a plain `def` endpoint or dependency on a worker thread: a hop there and back
for every request, which costs more than most dependencies do. The parts' dependencies
only read the request or build objects, so each is an `async def`; a new plain one fails
here rather than quietly making every request that uses it slower.
"""

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from services.registry import GATEWAY, SERVICES
from tests.support.suite import gateway_settings, service_settings


def _calls(dependant: Dependant) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _api_routes(app: FastAPI) -> list[RouteContext]:
    """The app's routes as served, those of included routers too."""
    return [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def _sync_calls(app: FastAPI) -> list[str]:
    found = []
    for route in _api_routes(app):
        for call in _calls(route.dependant):
            if not (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)):
                name = getattr(call, "__qualname__", repr(call))
                found.append(f"{route.path} {sorted(route.methods or ())}: {name}")
    return found


def _app(name: str, databases: Any, data_dir: Path) -> FastAPI:
    if name == GATEWAY.name:
        return GATEWAY.create_app(gateway_settings(databases, data_dir))
    service = next(p for p in SERVICES if p.name == name)
    return service.create_app(service_settings(name, databases, '{"keys": []}'))


@pytest.mark.parametrize("part", [GATEWAY.name, *(p.name for p in SERVICES)])
def test_no_route_or_dependency_of_a_part_runs_on_a_worker_thread(
    part: str, fresh_databases: Any, tmp_path: Path
) -> None:
    app = _app(part, fresh_databases, tmp_path)
    assert len(_api_routes(app)) > 3
    assert _sync_calls(app) == []
