"""The suite tests: whole flows through the gateway, every part real, on each backend."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import DatabaseFactory
from tests.support.suite import Suite, gateway_settings, running_suite


@pytest.fixture
async def suite(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> AsyncIterator[Suite]:
    settings = gateway_settings(fresh_databases, tmp_path / "gateway-data")
    async with running_suite(settings, fresh_databases) as running:
        yield running
