"""Fixtures of the gateway's tests: a gateway on a fresh database with its bootstrap admin,
alone or with the real services behind it (tests/support/suite.py)."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from gateway.settings import Settings
from tests.support.apps import SuiteTransport
from tests.support.databases import DatabaseFactory
from tests.support.suite import (
    ADMIN_PASSWORD,
    USER_PASSWORD,
    RecordingTransport,
    bearer,
    running_suite,
)
from tests.support.suite import Suite as Gateway
from tests.support.suite import gateway_settings as suite_gateway_settings

__all__ = ["ADMIN_PASSWORD", "USER_PASSWORD", "Gateway", "RecordingTransport", "bearer"]


def gateway_alone(
    settings: Settings, services: SuiteTransport | None = None
) -> AbstractAsyncContextManager[Gateway]:
    """A running gateway whose services are all unreachable (unless `services` says else)."""
    return running_suite(settings, transport=services)


@pytest.fixture
def gateway_settings(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> Settings:
    return suite_gateway_settings(fresh_databases, tmp_path / "gateway-data")


@pytest.fixture
async def gateway(gateway_settings: Settings) -> AsyncIterator[Gateway]:
    async with gateway_alone(gateway_settings) as running_gateway:
        yield running_gateway


@pytest.fixture
async def suite(
    fresh_databases: DatabaseFactory, gateway_settings: Settings
) -> AsyncIterator[Gateway]:
    """The gateway in front of the real identification, risk and referral services, which
    verify its tokens with its published key."""
    async with running_suite(gateway_settings, fresh_databases) as running:
        yield running
