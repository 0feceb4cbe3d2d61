"""The demo directory is valid, complete where it must be, and can be loaded through the
API as the seeder will load it."""

import uuid
from collections import Counter

from referral_svc.providers.demo import ORGANISATION_KIND, demo_directory
from referral_svc.providers.schemas import ProviderCreate
from shared.geo import COUNTIES
from tests.support.referral import Referral


def test_every_entry_is_a_valid_create_payload_once_its_organisation_is_filled() -> None:
    for entry in demo_directory():
        ProviderCreate.model_validate({**entry, "organisation_id": str(uuid.uuid4())})
        assert entry["organisation_id"] is None
        assert entry["kind"] in ORGANISATION_KIND


def test_each_county_has_its_child_protection_service_and_a_regional_centre() -> None:
    directory = demo_directory()
    child_protection = Counter(
        county for e in directory if e["kind"] == "child_protection" for county in e["counties"]
    )
    assert child_protection == Counter(dict.fromkeys(COUNTIES, 1))
    centres = [e for e in directory if e["kind"] == "agency_regional_centre"]
    assert len(centres) == 15
    covered = Counter(county for e in centres for county in e["counties"])
    assert covered == Counter(dict.fromkeys(COUNTIES, 1))


def test_it_has_shelters_with_places_medical_legal_iom_and_two_consulates() -> None:
    directory = demo_directory()
    kinds = Counter(e["kind"] for e in directory)
    assert kinds["consulate"] == 2
    assert kinds["international_org"] == 1
    assert kinds["medical"] >= 1
    assert kinds["legal_aid"] >= 1
    secure = [e for e in directory if "secure_shelter" in e["capacity"]]
    assert secure
    assert all(e["capacity"]["secure_shelter"]["free"] > 0 for e in secure)
    assert all(e["countries"] for e in directory if e["kind"] == "consulate")


async def test_the_whole_directory_loads_through_the_api(service: Referral) -> None:
    for entry in demo_directory():
        response = await service.send(
            "POST",
            "/api/v1/providers",
            service.coordinator,
            {**entry, "organisation_id": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.text
    listed = await service.client.get(
        "/api/v1/providers",
        params={"county": "RO-IS", "kind": "child_protection"},
        headers=service.coordinator.headers,
    )
    assert [p["name"] for p in listed.json()["items"]] == ["DGASPC Iași"]
