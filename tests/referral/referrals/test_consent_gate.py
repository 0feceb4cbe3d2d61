"""The consent gate, against the real identification service: an adult's referral needs
the person's current consent to referral, asked of identification with the referrer's own
token at that moment; without it 409, and with identification unreachable 503 — never a
referral without consent. A child needs none."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from identification_svc.app import create_app as create_identification
from referral_svc.app import create_app as create_referral
from tests.support.apps import SuiteTransport, client_for, running
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Caller, Callers
from tests.support.identification import settings_for as identification_settings
from tests.support.problems import assert_problem
from tests.support.referral import IDENTIFICATION_HOST, NO_CASE, provider_body
from tests.support.referral import settings_for as referral_settings

NO_CONSENT = "The adult's current consent to referral is not on record; record it first."


@dataclass
class Suite:
    referral: httpx.AsyncClient
    identification: httpx.AsyncClient
    transport: SuiteTransport
    police: Caller
    coordinator: Caller

    async def post(self, client: httpx.AsyncClient, path: str, caller: Caller, body: Any) -> Any:
        response = await client.post(path, json=body, headers=caller.headers)
        assert response.status_code == 201, response.text
        return response.json()

    async def open_case(self, age: int) -> str:
        case = await self.post(
            self.identification,
            "/api/v1/cases",
            self.police,
            {
                "county": "RO-IS",
                "exploitation_forms": ["sexual"],
                "subject": {"age": age, "gender": "female"},
                "basis": "Brought in by a border patrol.",
            },
        )
        return str(case["id"])

    async def consent(self, case_id: str, given: bool = True) -> dict[str, Any]:
        body = {"scope": "referral", "given": given, "method": "written"}
        consent: dict[str, Any] = await self.post(
            self.identification, f"/api/v1/cases/{case_id}/consents", self.police, body
        )
        return consent

    async def refer(self, case_id: str, provider_id: str) -> httpx.Response:
        body = {"case_id": case_id, "provider_id": provider_id, "services": ["shelter"]}
        return await self.referral.post("/api/v1/referrals", json=body, headers=self.police.headers)


@pytest.fixture
async def suite(fresh_databases: DatabaseFactory, issuer: TokenIssuer) -> AsyncIterator[Suite]:
    callers = Callers(issuer)
    identification = create_identification(
        identification_settings(fresh_databases.new("identification"), issuer)
    )
    transport = SuiteTransport({IDENTIFICATION_HOST: identification})
    referral = create_referral(
        referral_settings(fresh_databases.new("referral"), issuer), transport=transport
    )
    async with (
        running(identification),
        client_for(referral) as referral_client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identification), base_url="http://identification"
        ) as identification_client,
    ):
        yield Suite(
            referral_client,
            identification_client,
            transport,
            callers("police", county="RO-IS"),
            callers("coordinator", county="national", organisation_kind="national_agency"),
        )


@pytest.fixture
async def shelter(suite: Suite) -> str:
    body = provider_body(suite.police.organisation_id, accepts_children=True)
    entry = await suite.post(suite.referral, "/api/v1/providers", suite.coordinator, body)
    return str(entry["id"])


async def test_an_adult_is_referred_only_with_a_current_consent(suite: Suite, shelter: str) -> None:
    case_id = await suite.open_case(age=30)

    refused = await suite.refer(case_id, shelter)
    assert_problem(refused, 409, slug="consent-required", detail=NO_CONSENT)

    await suite.consent(case_id, given=False)
    refused = await suite.refer(case_id, shelter)
    assert_problem(refused, 409, slug="consent-required", detail=NO_CONSENT)

    consent = await suite.consent(case_id)
    referred = await suite.refer(case_id, shelter)
    assert referred.status_code == 201, referred.text
    assert referred.json()["status"] == "sent"

    withdrawn = await suite.identification.post(
        f"/api/v1/cases/{case_id}/consents/{consent['id']}/withdraw",
        headers=suite.police.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    refused = await suite.refer(case_id, shelter)
    assert_problem(refused, 409, slug="consent-required", detail=NO_CONSENT)


async def test_with_identification_unreachable_no_adult_is_referred(
    suite: Suite, shelter: str
) -> None:
    case_id = await suite.open_case(age=30)
    await suite.consent(case_id)
    referred = await suite.refer(case_id, shelter)
    assert referred.status_code == 201  # the case is now known
    assert (referred.json()["case_id"], referred.json()["status"]) == (case_id, "sent")

    del suite.transport.apps[IDENTIFICATION_HOST]
    response = await suite.refer(case_id, shelter)
    assert_problem(
        response,
        503,
        slug="service-unavailable",
        detail="The identification service cannot be reached.",
    )
    assert "http://" not in response.text  # no internal address leaks
    listed = await suite.referral.get(
        "/api/v1/referrals", params={"case_id": case_id}, headers=suite.police.headers
    )
    assert len(listed.json()["items"]) == 1


async def test_a_child_needs_no_consent(suite: Suite, shelter: str) -> None:
    case_id = await suite.open_case(age=15)
    response = await suite.refer(case_id, shelter)
    assert response.status_code == 201, response.text
    assert response.json()["urgency"] == "high"


async def test_a_case_the_referrer_may_not_see_in_identification_is_404(
    suite: Suite, shelter: str, issuer: TokenIssuer
) -> None:
    case_id = await suite.open_case(age=30)
    stranger = Callers(issuer)("police", county="RO-CJ")
    response = await suite.referral.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": shelter, "services": ["shelter"]},
        headers=stranger.headers,
    )
    assert_problem(response, 404, slug="not-found", detail=NO_CASE)
