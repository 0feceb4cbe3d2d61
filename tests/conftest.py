"""Fixtures shared by every test: databases on each backend and a token issuer."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from gateway.identity import credentials
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


@pytest.fixture
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its production cost takes ~0.1 s a hash; tests hash hundreds of times.
    (`tests/gateway/test_password_storage.py` checks the production parameters.)"""
    monkeypatch.setattr(
        credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "databases" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
