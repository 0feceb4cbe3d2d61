"""Issue 5 through the gateway: a presumed victim reaches a provider, with consent."""

from typing import Any

import pytest

from tests.support.referral import child_protection_body, provider_body
from tests.support.suite import Suite

PRESUMED_ADULT = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]


def screening(yes: list[str], subject: dict[str, Any], act: bool = False) -> dict[str, Any]:
    return {
        "subject": subject,
        "context": {"county": "RO-IS", "setting": "police_operation", "act_recorded": act},
        "answers": [{"indicator": code, "answer": "yes"} for code in yes],
    }


class World:
    """Police in Iași, a national coordinator, and a shelter with its own staff."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite

    async def build(self) -> "World":
        suite = self.suite
        self.police = await suite.headers_for("police")
        self.coordinator = await suite.headers_for(
            "coordinator", name="ANITP", kind="national_agency", county="national"
        )
        shelter_org = await suite.organisation(
            name="Asociația Speranța", kind="ngo", county="RO-IS"
        )
        staff = await suite.user("provider", organisation_id=shelter_org["id"])
        self.shelter_staff = {"Authorization": f"Bearer {await suite.token(staff['username'])}"}
        created = await suite.http.post(
            "/api/v1/providers", json=provider_body(shelter_org["id"]), headers=self.coordinator
        )
        assert created.status_code == 201, created.text
        self.shelter = created.json()
        return self

    async def presumed_case(self, yes: list[str] = PRESUMED_ADULT, **subject: Any) -> str:
        subject = {"age": 24, "gender": "female", "citizenship": "RO", **subject}
        act = subject.get("age") is not None and subject["age"] < 18
        response = await self.suite.http.post(
            "/api/v1/screenings", json=screening(yes, subject, act), headers=self.police
        )
        assert response.status_code == 201, response.text
        assert response.json()["outcome"] == "presumed_victim"
        await self.suite.settle()
        return str(response.json()["case_id"])

    async def consent(self, case_id: str) -> None:
        response = await self.suite.http.post(
            f"/api/v1/cases/{case_id}/consents",
            json={"scope": "referral", "given": True, "method": "written"},
            headers=self.police,
        )
        assert response.status_code == 201, response.text

    async def refer(self, case_id: str):
        return await self.suite.http.post(
            "/api/v1/referrals",
            json={"case_id": case_id, "provider_id": self.shelter["id"], "services": ["shelter"]},
            headers=self.police,
        )


@pytest.fixture
async def world(suite: Suite) -> World:
    return await World(suite).build()


async def test_an_adult_with_consent_is_matched_referred_and_accepted(
    suite: Suite, world: World
) -> None:
    case_id = await world.presumed_case()
    await world.consent(case_id)

    matches = await suite.http.get(
        f"/api/v1/cases/{case_id}/provider-matches",
        params={"service": "shelter"},
        headers=world.police,
    )
    assert matches.status_code == 200, matches.text
    assert matches.json()["matches"][0]["provider_id"] == world.shelter["id"]
    assert matches.json()["matches"][0]["reasons"]

    referral = await world.refer(case_id)
    assert referral.status_code == 201, referral.text
    assert referral.json()["status"] == "sent"
    assert referral.json()["respond_by"]

    accepted = await suite.http.post(
        f"/api/v1/referrals/{referral.json()['id']}/accept", headers=world.shelter_staff
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"

    other_org = await suite.organisation(name="Alt ONG", kind="ngo", county="RO-IS")
    other = await suite.user("provider", organisation_id=other_org["id"])
    other_headers = {"Authorization": f"Bearer {await suite.token(other['username'])}"}
    hidden = await suite.http.get(
        f"/api/v1/referrals/{referral.json()['id']}", headers=other_headers
    )
    assert hidden.status_code == 404


async def test_without_consent_the_referral_is_409(suite: Suite, world: World) -> None:
    case_id = await world.presumed_case()
    response = await world.refer(case_id)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/consent-required"


async def test_with_identification_down_the_referral_is_503_never_made(
    suite: Suite, world: World
) -> None:
    case_id = await world.presumed_case()
    await world.consent(case_id)
    suite.transport.apps.pop("identification")
    response = await world.refer(case_id)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    listed = await suite.http.get(
        "/api/v1/referrals", params={"case_id": case_id}, headers=world.police
    )
    assert listed.json()["items"] == []


async def test_a_presumed_child_is_referred_to_the_countys_child_protection_unasked(
    suite: Suite, world: World
) -> None:
    dgaspc_org = await suite.organisation(
        name="DGASPC Iași", kind="child_protection", county="RO-IS"
    )
    created = await suite.http.post(
        "/api/v1/providers",
        json=child_protection_body(dgaspc_org["id"]),
        headers=world.coordinator,
    )
    assert created.status_code == 201, created.text

    case_id = await world.presumed_case(["EX.14", "EX.02"], age=16)

    listed = await suite.http.get(
        "/api/v1/referrals", params={"case_id": case_id}, headers=world.police
    )
    assert listed.status_code == 200, listed.text
    [referral] = listed.json()["items"]
    assert referral["provider_id"] == created.json()["id"]
    assert "child_protection" in referral["services"]
    assert referral["status"] == "sent"
