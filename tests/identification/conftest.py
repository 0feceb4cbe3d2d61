"""Fixtures of the identification service tests: a real app on a fresh database per test
(SQLite, and PostgreSQL when configured), and callers by role."""

from collections.abc import AsyncIterator

import pytest

from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Caller, Callers, Service, running_service


@pytest.fixture
async def service(fresh_databases: DatabaseFactory, issuer: TokenIssuer) -> AsyncIterator[Service]:
    async with running_service(fresh_databases, issuer) as running:
        yield running


@pytest.fixture
def callers(issuer: TokenIssuer) -> Callers:
    return Callers(issuer)


@pytest.fixture
def police(callers: Callers) -> Caller:
    """A police officer of an organisation in Iași."""
    return callers("police", county="RO-IS")


@pytest.fixture
def other_police(callers: Callers) -> Caller:
    """A police officer of another organisation, in Cluj."""
    return callers("police", county="RO-CJ")


@pytest.fixture
def national_coordinator(callers: Callers) -> Caller:
    return callers("coordinator", county="national", organisation_kind="national_agency")


@pytest.fixture
def provider(callers: Callers) -> Caller:
    return callers("provider", organisation_kind="provider")
