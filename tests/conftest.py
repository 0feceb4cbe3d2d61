"""Fixtures shared by every test: databases on each backend and a token issuer."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.auth import TokenIssuer
from tests.support.databases import BACKENDS, DatabaseFactory


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    """Every test using it runs once per backend (SQLite; PostgreSQL when configured)."""
    factory = DatabaseFactory(request.param, Path(tmp_path_factory.mktemp(request.param)))
    yield factory
    factory.close()


@pytest.fixture
def fresh_databases(databases: DatabaseFactory) -> Iterator[DatabaseFactory]:
    """Like `databases`, dropping this test's PostgreSQL databases when it ends."""
    yield databases
    databases.drop_created()


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "databases" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
