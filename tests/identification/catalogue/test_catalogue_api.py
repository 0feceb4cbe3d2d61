"""Indicator catalogues through the real app: reading in a language, drafting, editing,
publishing, and a published version that never changes."""

from typing import Any

import pytest

from identification_svc.catalogue.v1 import INDICATORS_V1
from tests.support.identification import PRESUMED, Caller, Callers, Service, screening
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

CATALOGUES = "/api/v1/indicator-catalogues"
NEW_INDICATOR = {
    "code": "EX.15",
    "dimension": "EX",
    "strengths": {"AL": "medium", "AS": "medium", "CL": "strong", "CS": "strong"},
    "label": {"ro": "Obligat să se căsătorească", "en": "Forced to marry"},
    "guidance": {"ro": "Întrebați despre căsătorie.", "en": "Ask about the marriage."},
}


@pytest.fixture
def coordinator(callers: Callers) -> Caller:
    return callers("coordinator", county="national", organisation_kind="national_agency")


def never_changes(version: int) -> str:
    return (
        f"Catalogue version {version} is published or retired and never changes; "
        "draft a new version."
    )


async def get(service: Service, caller: Caller, path: str = "", **headers: str) -> Any:
    return await service.client.get(f"{CATALOGUES}{path}", headers={**caller.headers, **headers})


async def draft(service: Service, coordinator: Caller) -> dict[str, Any]:
    response = await service.client.post(CATALOGUES, headers=coordinator.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_version_1_is_published_and_listed(service: Service, police: Caller) -> None:
    listed = await get(service, police)
    assert listed.status_code == 200
    [v1] = listed.json()["items"]
    assert (v1["version"], v1["status"]) == (1, "published")
    assert v1["published_at"] is not None


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "ro"),
        ("ro", "ro"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de", "ro"),
        ("fr, en;q=0.5", "en"),
        ("en;q=0, ro", "ro"),
        ("*", "ro"),
        ("x" * 5000, "ro"),
    ],
)
async def test_labels_and_guidance_follow_accept_language(
    service: Service, police: Caller, header: str | None, language: str
) -> None:
    headers = {"Accept-Language": header} if header is not None else {}
    response = await get(service, police, "/1", **headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == language
    body = response.json()
    assert body["language"] == language
    dr01 = next(i for i in body["indicators"] if i["code"] == "DR.01")
    expected = next(i for i in INDICATORS_V1 if i.code == "DR.01")
    assert dr01["label"] == expected.label[language]
    assert dr01["guidance"] == expected.guidance[language]
    assert dr01["strengths"] == {"AL": "strong", "AS": "strong", "CL": "strong", "CS": "strong"}
    assert [d["code"] for d in body["dimensions"]] == ["DR", "CR", "VR", "EX", "CD", "VD"]


async def test_indicators_are_listed_in_the_order_of_the_definition(
    service: Service, police: Caller
) -> None:
    body = (await get(service, police, "/1")).json()
    assert [i["code"] for i in body["indicators"]] == [i.code for i in INDICATORS_V1]


@pytest.mark.parametrize("roles", [("provider",), ("admin",), ("auditor",)])
async def test_every_staff_role_reads_the_catalogue(
    service: Service, callers: Callers, roles: tuple[str, ...]
) -> None:
    assert (await get(service, callers(*roles), "/1")).status_code == 200


async def test_an_unknown_version_is_404_and_a_bad_one_422(
    service: Service, police: Caller
) -> None:
    unknown = await get(service, police, "/7")
    assert_problem(unknown, 404, slug="not-found", detail="There is no catalogue version 7.")
    for bad in ("/abc", "/0", "/99999999999999999999", "/1;DROP"):
        assert_problem(await get(service, police, bad), 422, "version", slug="validation")


@pytest.mark.parametrize("roles", [("police",), ("provider",), ("admin",)])
async def test_only_a_coordinator_drafts_edits_or_publishes(
    service: Service, callers: Callers, coordinator: Caller, roles: tuple[str, ...]
) -> None:
    caller = callers(*roles)
    assert (await service.client.post(CATALOGUES, headers=caller.headers)).status_code == 403
    await draft(service, coordinator)
    edit = await service.send("PATCH", f"{CATALOGUES}/2", caller, {"remove": ["DR.10"]})
    assert edit.status_code == 403
    publish = await service.client.post(f"{CATALOGUES}/2/publish", headers=caller.headers)
    assert publish.status_code == 403


async def test_a_draft_copies_the_latest_published_and_only_one_exists_at_a_time(
    service: Service, coordinator: Caller
) -> None:
    body = await draft(service, coordinator)
    assert (body["version"], body["status"]) == (2, "draft")
    assert len(body["indicators"]) == len(INDICATORS_V1)
    second = await service.client.post(CATALOGUES, headers=coordinator.headers)
    assert_problem(
        second,
        409,
        slug="conflict",
        detail="A draft version already exists; edit or publish it first.",
    )


async def test_a_draft_is_seen_by_coordinators_only_and_never_screened_with(
    service: Service, coordinator: Caller, police: Caller
) -> None:
    await draft(service, coordinator)
    hidden = await get(service, police, "/2")
    assert_problem(hidden, 404, slug="not-found", detail="There is no catalogue version 2.")
    assert [v["version"] for v in (await get(service, police)).json()["items"]] == [1]
    assert [v["version"] for v in (await get(service, coordinator)).json()["items"]] == [2, 1]
    response = await service.screen(police, screening(PRESUMED, catalogue_version=2))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "catalogue_version"


async def test_a_draft_is_edited_then_published_and_retires_the_previous_version(
    service: Service, coordinator: Caller, police: Caller
) -> None:
    created = await draft(service, coordinator)
    changed_dr02 = {
        **NEW_INDICATOR,
        "code": "DR.02",
        "dimension": "DR",
        "strengths": {"AL": "strong", "AS": "strong", "CL": "strong", "CS": "strong"},
    }
    edit = await service.send(
        "PATCH",
        f"{CATALOGUES}/2",
        coordinator,
        {"indicators": [NEW_INDICATOR, changed_dr02], "remove": ["DR.10"]},
        **{"If-Match": f'"{created["version"]}-x"'},
    )
    assert_problem(edit, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    tag = (await get(service, coordinator, "/2")).headers["etag"]
    edit = await service.send(
        "PATCH",
        f"{CATALOGUES}/2",
        coordinator,
        {"indicators": [NEW_INDICATOR, changed_dr02], "remove": ["DR.10"]},
        **{"If-Match": tag, "Accept-Language": "en"},
    )
    assert edit.status_code == 200, edit.text
    codes = {i["code"]: i for i in edit.json()["indicators"]}
    assert "DR.10" not in codes
    assert codes["EX.15"]["label"] == "Forced to marry"
    assert codes["DR.02"]["strengths"]["AL"] == "strong"
    assert edit.headers["etag"] != tag

    published = await service.client.post(f"{CATALOGUES}/2/publish", headers=coordinator.headers)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    statuses = {v["version"]: v["status"] for v in (await get(service, police)).json()["items"]}
    assert statuses == {1: "retired", 2: "published"}

    default = await service.screen(police, screening(["EX.15", "DR.02"]))
    assert default.json()["catalogue_version"] == 2
    old = await service.screen(police, screening(["DR.10"], catalogue_version=1))
    assert old.status_code == 201
    assert (old.json()["catalogue_version"], old.json()["outcome"]) == (1, "no_indication")
    gone = await service.screen(police, screening(["DR.10"]))
    assert gone.status_code == 422
    assert gone.json()["errors"][0]["field"] == "answers.0.indicator"


async def test_a_published_version_never_changes(service: Service, coordinator: Caller) -> None:
    before = (await get(service, coordinator, "/1")).json()
    edit = await service.send("PATCH", f"{CATALOGUES}/1", coordinator, {"remove": ["DR.01"]})
    assert_problem(edit, 409, slug="conflict", detail=never_changes(1))
    publish = await service.client.post(f"{CATALOGUES}/1/publish", headers=coordinator.headers)
    assert_problem(publish, 409, slug="conflict", detail=never_changes(1))
    await draft(service, coordinator)
    await service.client.post(f"{CATALOGUES}/2/publish", headers=coordinator.headers)
    retired = await service.send("PATCH", f"{CATALOGUES}/1", coordinator, {"remove": ["DR.01"]})
    assert_problem(retired, 409, slug="conflict", detail=never_changes(1))
    again = await service.send("PATCH", f"{CATALOGUES}/2", coordinator, {"remove": ["DR.01"]})
    assert_problem(again, 409, slug="conflict", detail=never_changes(2))
    after = (await get(service, coordinator, "/1")).json()
    assert after["indicators"] == before["indicators"]


async def test_an_emptied_draft_cannot_be_published(service: Service, coordinator: Caller) -> None:
    body = await draft(service, coordinator)
    codes = [i["code"] for i in body["indicators"]]
    emptied = await service.send("PATCH", f"{CATALOGUES}/2", coordinator, {"remove": codes})
    assert emptied.status_code == 200
    assert emptied.json()["indicators"] == []
    publish = await service.client.post(f"{CATALOGUES}/2/publish", headers=coordinator.headers)
    assert_problem(publish, 409, slug="conflict", detail="An empty catalogue cannot be published.")


def _indicator(**change: Any) -> dict[str, Any]:
    return {**NEW_INDICATOR, **change}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicators": [_indicator(dimension="XX")]}, "indicators.0.dimension"),
        ({"indicators": [_indicator(dimension="DR")]}, "indicators.0.dimension"),
        ({"indicators": [_indicator(code="ex15")]}, "indicators.0.code"),
        ({"indicators": [_indicator(label={"ro": "Doar română"})]}, "indicators.0.label.en"),
        ({"indicators": [_indicator(label={"ro": "x", "en": " "})]}, "indicators.0.label.en"),
        ({"indicators": [_indicator(guidance={"en": "only English"})]}, "indicators.0.guidance.ro"),
        (
            {
                "indicators": [
                    _indicator(strengths={"AL": "huge", "AS": None, "CL": None, "CS": None})
                ]
            },
            "indicators.0.strengths.AL",
        ),
        (
            {
                "indicators": [
                    _indicator(strengths={"AL": None, "AS": None, "CL": None, "CS": None})
                ]
            },
            "indicators.0.strengths",
        ),
        ({"indicators": [_indicator(strengths={"AL": "weak"})]}, "indicators.0.strengths.AS"),
        ({"indicators": [_indicator(), _indicator()]}, "indicators.1.code"),
        ({"remove": ["ZZ.01"]}, "remove.0"),
        ({"remove": ["DR.01", "DR.01"]}, "remove.1"),
        (
            {"indicators": [_indicator(code="DR.01", dimension="DR")], "remove": ["DR.01"]},
            "remove.0",
        ),
        ({"rename": {"DR.01": "DR.99"}}, "rename"),
    ],
)
async def test_draft_edits_are_validated_and_leave_the_draft_unchanged(
    service: Service, coordinator: Caller, body: dict[str, Any], field: str
) -> None:
    created = await draft(service, coordinator)
    response = await service.send("PATCH", f"{CATALOGUES}/2", coordinator, body)
    assert response.status_code == 422, response.text
    assert field in {error["field"] for error in response.json()["errors"]}
    assert (await get(service, coordinator, "/2")).json()["indicators"] == created["indicators"]
