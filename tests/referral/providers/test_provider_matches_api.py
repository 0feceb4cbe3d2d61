"""`GET /cases/{id}/provider-matches`: the active directory matched to a case, for the
services asked for or — none asked — those its latest risk assessment calls for."""

import uuid

from referral_svc.app import create_app
from tests.support.apps import client_for
from tests.support.identification import Caller, Callers
from tests.support.problems import assert_problem, needs
from tests.support.referral import NO_CASE, Referral, child_protection_body


async def matches(bed: Referral, caller: Caller, case_id: uuid.UUID, **params) -> dict:
    response = await bed.client.get(
        f"/api/v1/cases/{case_id}/provider-matches", params=params, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def test_eligible_providers_come_best_first_with_reasons_and_the_rest_with_the_rules_failed(
    service: Referral, police: Caller
) -> None:
    county = await service.provider(name="Iași shelter", specialisations=["sexual"])
    region = await service.provider(name="Regional shelter", counties=["RO-IS", "RO-SV"])
    far = await service.provider(name="Cluj shelter", counties=["RO-CJ"])
    full = await service.provider(name="Full", capacity={"shelter": {"total": 4, "free": 0}})
    await service.provider(name="Closed", active=False)
    case_id = await service.case(organisation_id=police.organisation_id)

    body = await matches(service, police, case_id, service=["shelter", "psychological"])

    assert body["needs"] == ["psychological", "shelter"]
    assert [m["provider_id"] for m in body["matches"]] == [county["id"], region["id"]]
    assert body["matches"][0]["reasons"][0] == "same_county"
    assert body["matches"][1]["reasons"][0] == "same_region"
    assert "specialised:sexual" in body["matches"][0]["reasons"]
    # By default only the excluded providers near the person are listed; all are counted.
    assert body["excluded"] == [
        {"provider_id": full["id"], "reasons": ["no_free_capacity:shelter"]}
    ]
    assert body["excluded_total"] == 2
    assert body["excluded_by_reason"] == {"county_not_covered": 1, "no_free_capacity:shelter": 1}
    every = await matches(service, police, case_id, service=["shelter"], excluded="all")
    excluded = {e["provider_id"]: e["reasons"] for e in every["excluded"]}
    assert excluded == {
        far["id"]: ["county_not_covered"],
        full["id"]: ["no_free_capacity:shelter"],
    }


async def test_the_matches_follow_every_change_of_the_directory_and_of_free_places(
    service: Referral, police: Caller
) -> None:
    case_id = await service.case(organisation_id=police.organisation_id)
    shelter = await service.provider(name="Iași shelter")

    async def matched() -> list[str]:
        body = await matches(service, police, case_id, service=["shelter"])
        return [m["provider_id"] for m in body["matches"]]

    assert await matched() == [shelter["id"]]
    second = await service.provider(name="Second shelter")
    assert sorted(await matched()) == sorted([shelter["id"], second["id"]])
    closed = await service.send(
        "PATCH", f"/api/v1/providers/{second['id']}", service.coordinator, {"active": False}
    )
    assert closed.status_code == 200, closed.text
    assert await matched() == [shelter["id"]]
    full = await service.send(
        "PUT",
        f"/api/v1/providers/{shelter['id']}/capacity",
        service.coordinator,
        {"service": "shelter", "free": 0},
    )
    assert full.status_code == 200, full.text
    assert await matched() == []
    body = await matches(service, police, case_id, service=["shelter"])
    assert body["excluded"] == [
        {"provider_id": shelter["id"], "reasons": ["no_free_capacity:shelter"]}
    ]
    await service.send(
        "PUT",
        f"/api/v1/providers/{shelter['id']}/capacity",
        service.coordinator,
        {"service": "shelter", "free": 2},
    )
    assert await matched() == [shelter["id"]]


async def test_a_replica_keeping_its_own_copy_sees_another_replicas_changes(
    service: Referral, police: Caller
) -> None:
    """Two apps on one database, as two replicas: each keeps its own copy of the
    directory, and a change made through one is matched by the other at once."""
    case_id = await service.case(organisation_id=police.organisation_id)
    shelter = await service.provider(name="Iași shelter")
    replica = create_app(service.app.state.settings)
    async with client_for(replica) as other:

        async def matched_by_replica() -> list[str]:
            response = await other.get(
                f"/api/v1/cases/{case_id}/provider-matches",
                params={"service": "shelter"},
                headers=police.headers,
            )
            assert response.status_code == 200, response.text
            return [m["provider_id"] for m in response.json()["matches"]]

        assert await matched_by_replica() == [shelter["id"]]
        await service.send(
            "PUT",
            f"/api/v1/providers/{shelter['id']}/capacity",
            service.coordinator,
            {"service": "shelter", "free": 0},
        )
        assert await matched_by_replica() == []
        added = await service.provider(name="Another shelter")
        assert await matched_by_replica() == [added["id"]]


async def test_without_services_the_needs_come_from_the_latest_risk_measures(
    service: Referral, police: Caller
) -> None:
    secure = await service.provider(
        name="Secure",
        services=["secure_shelter"],
        capacity={"secure_shelter": {"total": 2, "free": 1}},
    )
    await service.provider(name="Plain")
    case_id = await service.case(organisation_id=police.organisation_id)

    none = await service.client.get(
        f"/api/v1/cases/{case_id}/provider-matches", headers=police.headers
    )
    assert none.status_code == 422
    assert none.json()["errors"][0]["field"] == "service"

    await service.risk(
        case_id, level="high", safety="high", measures=("secure_shelter", "police_protection")
    )
    body = await matches(service, police, case_id)
    assert body["needs"] == ["secure_shelter"]
    assert [m["provider_id"] for m in body["matches"]] == [secure["id"]]


async def test_a_childs_county_child_protection_service_comes_first(
    service: Referral, police: Caller
) -> None:
    national = await service.provider(
        **{
            **child_protection_body(uuid.uuid4(), "RO-IS"),
            "name": "National",
            "counties": ["national"],
        }
    )
    own = await service.provider(**child_protection_body(uuid.uuid4(), "RO-IS"))
    case_id = await service.case(
        organisation_id=police.organisation_id, is_child=True, status="potential"
    )
    body = await matches(service, police, case_id, service="child_protection")
    assert [m["provider_id"] for m in body["matches"]] == [own["id"], national["id"]]
    assert body["matches"][0]["reasons"][0] == "county_child_protection"


async def test_limit_caps_the_matches_not_the_exclusions(service: Referral, police: Caller) -> None:
    for n in range(3):
        await service.provider(name=f"Shelter {n}")
    await service.provider(name="Far", counties=["RO-TM"])
    case_id = await service.case(organisation_id=police.organisation_id)
    body = await matches(service, police, case_id, service="shelter", limit="2", excluded="all")
    assert len(body["matches"]) == 2
    assert body["matches_total"] == 3
    assert len(body["excluded"]) == 1
    assert body["excluded_total"] == 1


async def test_the_best_fifty_matches_are_listed_by_default_and_all_counted(
    service: Referral, police: Caller
) -> None:
    for n in range(52):
        await service.provider(name=f"Shelter {n:02d}")
    case_id = await service.case(organisation_id=police.organisation_id)
    body = await matches(service, police, case_id, service="shelter")
    assert len(body["matches"]) == 50
    assert body["matches_total"] == 52
    everything = await matches(service, police, case_id, service="shelter", limit="200")
    assert len(everything["matches"]) == 52
    assert [m["provider_id"] for m in everything["matches"][:50]] == [
        m["provider_id"] for m in body["matches"]
    ]


async def test_only_who_may_refer_the_case_sees_its_matches(
    service: Referral, police: Caller, callers: Callers
) -> None:
    case_id = await service.case(organisation_id=police.organisation_id)
    path = f"/api/v1/cases/{case_id}/provider-matches"
    stranger = await service.client.get(
        path, params={"service": "shelter"}, headers=callers("police", county="RO-CJ").headers
    )
    assert_problem(stranger, 404, slug="not-found", detail=NO_CASE)
    provider = await service.client.get(
        path, params={"service": "shelter"}, headers=callers("provider").headers
    )
    assert_problem(provider, 403, slug="forbidden", detail=needs("create_referral"))
    wrong = await service.client.get(path, params={"service": "spa"}, headers=police.headers)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"].startswith("service")


async def test_an_acceptance_counts_in_the_providers_answer_time_at_the_next_match(
    service: Referral, police: Caller, callers: Callers
) -> None:
    """A provider's median answer time moves with each acceptance, not with a change of
    its entry; the process's copy of the directory follows it all the same."""
    organisation = uuid.uuid4()
    shelter = await service.provider(organisation)
    case_id = await service.adult_with_consent(police)

    async def reasons() -> list[str]:
        body = await matches(service, police, case_id, service=["shelter"])
        [match] = [m for m in body["matches"] if m["provider_id"] == shelter["id"]]
        reasons: list[str] = match["reasons"]
        return reasons

    assert "responds_quickly" not in await reasons()
    referral = await service.referral(police, case_id, shelter["id"])
    await service.act(callers("provider", organisation_id=organisation), referral["id"], "accept")
    assert "responds_quickly" in await reasons()
