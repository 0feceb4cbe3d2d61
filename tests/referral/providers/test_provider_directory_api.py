"""The provider directory: coordinators and admins manage it, everyone who works in the
mechanism reads it, and a provider's own staff set its free places — no one else."""

import uuid

import pytest

from tests.support.identification import Callers
from tests.support.problems import CHANGED_SINCE_READ, assert_problem
from tests.support.referral import Referral, provider_body


async def test_a_coordinator_adds_a_provider_and_everyone_reads_it(
    service: Referral, callers: Callers
) -> None:
    entry = await service.provider(name="Adăpostul Speranța")
    assert entry["services"] == ["legal", "psychological", "shelter"]
    assert entry["counties"] == ["RO-IS"]
    assert entry["countries"] == []
    assert entry["capacity"] == {"shelter": {"total": 10, "free": 3}}
    assert entry["accreditation"] == {"number": "AC-0001", "valid_until": "2099-12-31"}
    for role in ("police", "social_worker", "provider", "auditor", "consular_officer"):
        response = await service.client.get(
            f"/api/v1/providers/{entry['id']}", headers=callers(role).headers
        )
        assert response.status_code == 200, role
        assert response.json() == entry
        assert response.headers["ETag"]


@pytest.mark.parametrize("role", ["police", "ngo_worker", "provider", "auditor"])
async def test_only_coordinators_and_admins_manage_the_directory(
    service: Referral, callers: Callers, role: str
) -> None:
    caller = callers(role)
    created = await service.send("POST", "/api/v1/providers", caller, provider_body(uuid.uuid4()))
    assert created.status_code == 403
    entry = await service.provider()
    changed = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", caller, {"active": False}
    )
    assert changed.status_code == 403
    admin = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", callers("admin"), {"active": False}
    )
    assert admin.status_code == 200
    assert admin.json()["active"] is False


async def test_the_webhook_secret_is_write_only(service: Referral) -> None:
    entry = await service.provider(
        webhook_url="https://ngo.example.org/hook", webhook_secret="s" * 32
    )
    assert entry["has_webhook"] is True
    assert "webhook_secret" not in entry
    assert "webhook_url" not in entry
    listed = await service.client.get("/api/v1/providers", headers=service.coordinator.headers)
    assert "s" * 32 not in listed.text
    cleared = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", service.coordinator, {"webhook_url": None}
    )
    assert cleared.json()["has_webhook"] is False


async def test_a_webhook_needs_a_secret_to_sign_with(service: Referral) -> None:
    body = provider_body(uuid.uuid4(), webhook_url="https://ngo.example.org/hook")
    response = await service.send("POST", "/api/v1/providers", service.coordinator, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "webhook_secret"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"counties": ["RO-XX"]}, "counties.0"),
        ({"counties": ["national", "RO-IS"]}, "counties"),
        ({"counties": None, "countries": ["XX"]}, "countries.0"),
        ({"counties": None}, "counties"),
        ({"countries": ["IT"]}, "counties"),
        ({"counties": [], "countries": []}, "counties"),
        ({"services": ["shelter", "spa"]}, "services.1"),
        ({"services": ["psychological"]}, "capacity.shelter"),
        ({"capacity": {}}, "capacity.shelter"),
        ({"capacity": {"shelter": {"total": 2, "free": 3}}}, "capacity.shelter"),
        (
            {
                "capacity": {
                    "shelter": {"total": 2, "free": 1},
                    "secure_shelter": {"total": 1, "free": 1},
                }
            },
            "capacity.secure_shelter",
        ),
        ({"kind": "hotel"}, "kind"),
        ({"genders": ["robot"]}, "genders.0"),
        ({"languages": ["Romanian"]}, "languages.0"),
        ({"specialisations": ["fraud"]}, "specialisations.0"),
        ({"accreditation": {"number": "A", "valid_until": "soon"}}, "accreditation.valid_until"),
        ({"name": "bad\x00name"}, "name"),
        ({"organisation_id": "not-a-uuid"}, "organisation_id"),
        ({"webhook_url": "ftp://example.org", "webhook_secret": "s" * 20}, "webhook_url"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_a_bad_entry_is_a_422_naming_the_field(
    service: Referral, changes: dict[str, object], field: str
) -> None:
    body = provider_body(uuid.uuid4())
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    response = await service.send("POST", "/api/v1/providers", service.coordinator, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_a_provider_abroad_covers_countries_instead_of_counties(service: Referral) -> None:
    entry = await service.provider(
        name="Consulatul României la Milano",
        kind="consulate",
        services=["repatriation", "interpretation"],
        counties=None,
        countries=["IT", "SM"],
        capacity={},
    )
    assert entry["counties"] == []
    assert entry["countries"] == ["IT", "SM"]
    moved = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", service.coordinator, {"counties": ["national"]}
    )
    assert moved.status_code == 200
    assert (moved.json()["counties"], moved.json()["countries"]) == (["national"], [])
    back = await service.send(
        "PATCH",
        f"/api/v1/providers/{entry['id']}",
        service.coordinator,
        {"counties": [], "countries": ["IT"]},
    )
    assert back.status_code == 200, back.text
    assert (back.json()["counties"], back.json()["countries"]) == ([], ["IT"])
    both = await service.send(
        "PATCH",
        f"/api/v1/providers/{entry['id']}",
        service.coordinator,
        {"counties": ["RO-IS"], "countries": ["IT"]},
    )
    assert both.status_code == 422
    assert both.json()["errors"][0]["field"] == "countries"


async def test_a_change_keeps_what_it_does_not_name_and_if_match_guards_it(
    service: Referral,
) -> None:
    entry = await service.provider()
    path = f"/api/v1/providers/{entry['id']}"
    read = await service.client.get(path, headers=service.coordinator.headers)
    etag = read.headers["ETag"]
    changed = await service.send(
        "PATCH",
        path,
        service.coordinator,
        {
            "services": ["shelter", "secure_shelter"],
            "capacity": {
                "shelter": {"total": 4, "free": 4},
                "secure_shelter": {"total": 2, "free": 1},
            },
        },
        **{"If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["services"] == ["secure_shelter", "shelter"]
    assert body["capacity"] == {
        "secure_shelter": {"total": 2, "free": 1},
        "shelter": {"total": 4, "free": 4},
    }
    assert body["name"] == entry["name"]
    assert body["languages"] == entry["languages"]
    assert changed.headers["ETag"] != etag
    stale = await service.send(
        "PATCH", path, service.coordinator, {"active": False}, **{"If-Match": etag}
    )
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    nulled = await service.send("PATCH", path, service.coordinator, {"name": None})
    assert nulled.status_code == 422
    assert nulled.json()["errors"][0]["field"] == "name"


async def test_a_providers_own_staff_set_its_free_places_and_nobody_else(
    service: Referral, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    entry = await service.provider(organisation)
    path = f"/api/v1/providers/{entry['id']}/capacity"
    staff = callers("provider", organisation_id=organisation, organisation_kind="provider")
    other = callers("provider", organisation_kind="provider")

    own = await service.send("PUT", path, staff, {"service": "shelter", "free": 7})
    assert own.status_code == 200, own.text
    assert own.json()["capacity"]["shelter"] == {"total": 10, "free": 7}
    assert (
        await service.send("PUT", path, other, {"service": "shelter", "free": 0})
    ).status_code == 403
    assert (
        await service.send("PUT", path, callers("police"), {"service": "shelter", "free": 0})
    ).status_code == 403
    by_coordinator = await service.send(
        "PUT", path, service.coordinator, {"service": "shelter", "free": 0}
    )
    assert by_coordinator.json()["capacity"]["shelter"]["free"] == 0

    too_many = await service.send("PUT", path, staff, {"service": "shelter", "free": 11})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "free"
    negative = await service.send("PUT", path, staff, {"service": "shelter", "free": -1})
    assert negative.json()["errors"][0]["field"] == "free"
    not_offered = await service.send("PUT", path, staff, {"service": "secure_shelter", "free": 1})
    assert not_offered.status_code == 422
    assert not_offered.json()["errors"][0]["field"] == "service"
    staff_edit = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", staff, {"active": False}
    )
    assert staff_edit.status_code == 403


async def test_the_list_filters_by_county_service_kind_and_age_group(service: Referral) -> None:
    iasi = await service.provider(name="Iași shelter")
    national = await service.provider(
        name="National legal aid",
        kind="legal_aid",
        services=["legal"],
        counties=["national"],
        capacity={},
        accepts_children=True,
    )
    cluj = await service.provider(name="Cluj shelter", counties=["RO-CJ"])

    async def names(**params: str) -> list[str]:
        response = await service.client.get(
            "/api/v1/providers", params=params, headers=service.coordinator.headers
        )
        assert response.status_code == 200, response.text
        return sorted(p["name"] for p in response.json()["items"])

    assert await names(county="RO-IS") == sorted([iasi["name"], national["name"]])
    assert await names(county="RO-CJ") == sorted([cluj["name"], national["name"]])
    assert await names(county="national") == [national["name"]]
    assert await names(service="legal") == sorted([iasi["name"], national["name"], cluj["name"]])
    assert await names(service="shelter", county="RO-CJ") == [cluj["name"]]
    assert await names(kind="legal_aid") == [national["name"]]
    assert await names(accepts_children="true") == [national["name"]]
    bad = await service.client.get(
        "/api/v1/providers", params={"county": "RO-ZZ"}, headers=service.coordinator.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "county"


async def test_the_list_pages_with_a_cursor(service: Referral) -> None:
    made = {(await service.provider(name=f"Provider {n}"))["id"] for n in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await service.client.get(
            "/api/v1/providers", params=params, headers=service.coordinator.headers
        )
        page = response.json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5
    assert set(seen) == made


async def test_an_unknown_provider_is_404(service: Referral) -> None:
    response = await service.client.get(
        f"/api/v1/providers/{uuid.uuid4()}", headers=service.coordinator.headers
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
