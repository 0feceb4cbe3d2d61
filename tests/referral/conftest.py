"""Fixtures of the referral service tests: a real app on a fresh database per test (SQLite,
and PostgreSQL when configured) wired to stand-in identification and risk services, and
callers."""

from collections.abc import AsyncIterator

import pytest

from referral_svc.app import create_app
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Caller, Callers
from tests.support.referral import (
    IDENTIFICATION_HOST,
    RISK_HOST,
    Referral,
    StandInIdentification,
    StandInRisk,
    settings_for,
)


@pytest.fixture
def callers(issuer: TokenIssuer) -> Callers:
    return Callers(issuer)


@pytest.fixture
async def service(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> AsyncIterator[Referral]:
    identification = StandInIdentification()
    risk = StandInRisk()
    transport = SuiteTransport({IDENTIFICATION_HOST: identification.app(), RISK_HOST: risk.app()})
    app = create_app(settings_for(fresh_databases.new("referral"), issuer), transport=transport)
    async with client_for(app) as client:
        yield Referral(app, client, callers, identification, risk)


@pytest.fixture
def police(callers: Callers) -> Caller:
    """A police officer in Iași: opens cases and refers them."""
    return callers("police", county="RO-IS")


@pytest.fixture
def coordinator(service: Referral) -> Caller:
    """A coordinator of the national agency: sees every case, manages the directory."""
    return service.coordinator
