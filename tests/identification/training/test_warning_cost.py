"""What the training warning costs a screening: off, not one statement about training;
on, one statement — whatever the answer."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import PRESUMED, Callers, Service, running_service, screening


@contextmanager
def statements(service: Service) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = service.app.state.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(("setting", "lookups"), [(False, 0), (True, 1)])
async def test_the_screening_path_asks_about_training_only_with_the_warning_on(
    fresh_databases: DatabaseFactory,
    issuer: TokenIssuer,
    callers: Callers,
    setting: bool,
    lookups: int,
) -> None:
    police = callers("police")
    async with running_service(fresh_databases, issuer, training_warning=setting) as service:
        for yes in (PRESUMED, ()):
            with statements(service) as seen:
                response = await service.screen(police, screening(yes))
            assert response.status_code == 201, response.text
            assert ("warnings" in response.json()) is setting
            about_training = [s for s in seen if "training_" in s]
            assert len(about_training) == lookups, about_training
