"""Instrument versions over HTTP: reading them in either language, and the coordinators'
draft → edit → publish cycle, after which a published version never changes."""

import copy

import httpx
import pytest

from risk_svc.instruments import v1
from tests.risk.conftest import Actor, RiskService, initial
from tests.support.problems import assert_problem

BASE = "/api/v1/risk-instruments"


async def start_draft(risk: RiskService, coordinator: Actor) -> dict:
    response = await risk.http.post(f"{BASE}/initial", headers=coordinator.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def patch(
    risk: RiskService, actor: Actor, version: int, change: dict, **headers: str
) -> httpx.Response:
    return await risk.http.patch(
        f"{BASE}/initial/{version}", json=change, headers={**actor.headers, **headers}
    )


def items_with(weight_of: dict[str, int]) -> list[dict]:
    """The `initial` v1 items as a draft body, with some weights changed."""
    return [
        {
            "code": item.code,
            "domain": item.domain,
            "weight": weight_of.get(item.code, item.weight),
            "critical": item.critical,
            "child_only": item.child_only,
            "label": {"ro": item.label.ro, "en": item.label.en},
        }
        for item in v1.INITIAL.items
    ]


# --- reading --------------------------------------------------------------------------------


async def test_both_published_instruments_are_listed_in_romanian_by_default(
    risk: RiskService, police: Actor
) -> None:
    response = await risk.http.get(BASE, headers=police.headers)

    assert response.status_code == 200
    assert response.headers["content-language"] == "ro"
    page = response.json()
    assert {(i["code"], i["version"], i["status"]) for i in page["items"]} == {
        ("initial", 1, "published"),
        ("pre_return", 1, "published"),
    }
    assert page["next_cursor"] is None
    first = next(i for i in page["items"] if i["code"] == "initial")
    assert first["label"] == v1.INITIAL.label.ro


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        (None, "ro"),
        ("ro", "ro"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de, en;q=0.5", "en"),
        ("en;q=0.4, ro;q=0.8", "ro"),
        ("fr", "ro"),
        ("*", "ro"),
        ("en;q=nonsense", "ro"),
    ],
)
async def test_labels_follow_accept_language(
    risk: RiskService, police: Actor, accept_language: str | None, language: str
) -> None:
    headers = dict(police.headers)
    if accept_language is not None:
        headers["Accept-Language"] = accept_language

    response = await risk.http.get(f"{BASE}/initial/1", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-language"] == language
    body = response.json()
    definition = v1.INITIAL
    assert body["label"] == getattr(definition.label, language)
    assert [d["label"] for d in body["domains"]] == [
        getattr(label, language) for label in definition.domains.values()
    ]
    assert [i["label"] for i in body["items"]] == [
        getattr(item.label, language) for item in definition.items
    ]
    assert [m["label"] for m in body["measures"]] == [
        getattr(v1.MEASURES[m["code"]], language) for m in body["measures"]
    ]


async def test_an_instrument_reads_with_items_weights_flags_and_measure_rules(
    risk: RiskService, police: Actor
) -> None:
    body = (await risk.http.get(f"{BASE}/initial/1", headers=police.headers)).json()

    saf_02 = next(i for i in body["items"] if i["code"] == "SAF-02")
    assert saf_02 == {
        "code": "SAF-02",
        "domain": "safety",
        "weight": 3,
        "critical": True,
        "child_only": False,
        "label": v1.INITIAL.items[1].label.ro,
    }
    assert body["measure_rules"][0] == {
        "measure": "secure_shelter",
        "when": {"kind": "domain_level_at_least", "domain": "safety", "level": "high"},
    }


@pytest.mark.parametrize("path", ["exit_interview/1", "initial/2", "pre_return/9"])
async def test_an_unknown_instrument_or_version_is_not_found(
    risk: RiskService, police: Actor, path: str
) -> None:
    assert_problem(await risk.http.get(f"{BASE}/{path}", headers=police.headers), 404)


async def test_reading_instruments_needs_a_token(risk: RiskService) -> None:
    assert_problem(await risk.http.get(BASE), 401)


# --- drafting and publishing ----------------------------------------------------------------


async def test_a_coordinator_starts_a_draft_copied_from_the_published_version(
    risk: RiskService, coordinator: Actor
) -> None:
    response = await risk.http.post(f"{BASE}/initial", headers=coordinator.headers)

    assert response.status_code == 201
    assert response.headers["location"] == f"{BASE}/initial/2"
    draft = response.json()
    published = (await risk.http.get(f"{BASE}/initial/1", headers=coordinator.headers)).json()
    assert (draft["version"], draft["status"], draft["published_at"]) == (2, "draft", None)
    for part in ("label", "domains", "items", "measures", "measure_rules"):
        assert draft[part] == published[part], part


async def test_only_one_draft_of_an_instrument_exists_at_a_time(
    risk: RiskService, coordinator: Actor
) -> None:
    await start_draft(risk, coordinator)

    assert_problem(await risk.http.post(f"{BASE}/initial", headers=coordinator.headers), 409)


async def test_an_instrument_never_published_has_no_draft_to_start(
    risk: RiskService, coordinator: Actor
) -> None:
    response = await risk.http.post(f"{BASE}/exit_interview", headers=coordinator.headers)

    assert_problem(response, 404)


@pytest.mark.parametrize("role", ["police", "social_worker", "admin", "auditor", "provider"])
async def test_only_coordinators_draft_edit_and_publish(
    risk: RiskService, coordinator: Actor, role: str
) -> None:
    await start_draft(risk, coordinator)
    other = risk.actor(role)

    assert_problem(await risk.http.post(f"{BASE}/initial", headers=other.headers), 403)
    assert_problem(await patch(risk, other, 2, {"label": {"ro": "a", "en": "b"}}), 403)
    assert_problem(await risk.http.post(f"{BASE}/initial/2/publish", headers=other.headers), 403)


async def test_drafts_are_invisible_to_everyone_but_coordinators(
    risk: RiskService, coordinator: Actor, police: Actor
) -> None:
    await start_draft(risk, coordinator)

    assert_problem(await risk.http.get(f"{BASE}/initial/2", headers=police.headers), 404)
    listed = (await risk.http.get(BASE, headers=police.headers)).json()["items"]
    assert all(i["status"] != "draft" for i in listed)
    coordinators = (await risk.http.get(BASE, headers=coordinator.headers)).json()["items"]
    assert ("initial", 2) in {(i["code"], i["version"]) for i in coordinators}


async def test_a_draft_is_edited_then_published_and_retires_the_previous_version(
    risk: RiskService, coordinator: Actor, police: Actor
) -> None:
    draft = await start_draft(risk, coordinator)
    label = {"ro": "Evaluarea inițială, ediția a doua", "en": "Initial assessment, 2nd edition"}

    edited = await patch(risk, coordinator, 2, {"label": label, "items": items_with({"RET-02": 4})})
    published = await risk.http.post(f"{BASE}/initial/2/publish", headers=coordinator.headers)

    assert edited.status_code == 200, edited.text
    assert edited.json()["label"] == label["ro"]
    weights = {item["code"]: item["weight"] for item in edited.json()["items"]}
    assert (weights["RET-02"], weights["RET-03"]) == (4, 2)
    assert edited.json()["measure_rules"] == draft["measure_rules"]
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    old = (await risk.http.get(f"{BASE}/initial/1", headers=police.headers)).json()
    assert old["status"] == "retired"
    assert old["retired_at"] is not None
    english = await risk.http.get(
        f"{BASE}/initial/2", headers={**police.headers, "Accept-Language": "en"}
    )
    assert english.json()["label"] == label["en"]


async def test_assessments_use_the_newly_published_version_and_refuse_the_retired_one(
    risk: RiskService, coordinator: Actor, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    before = (await risk.assess(police, case_id, initial(["RET-02", "RET-03"]))).json()
    await start_draft(risk, coordinator)
    await patch(risk, coordinator, 2, {"items": items_with({"RET-02": 4})})
    await risk.http.post(f"{BASE}/initial/2/publish", headers=coordinator.headers)

    after = (await risk.assess(police, case_id, initial(["RET-02", "RET-03"]))).json()
    pinned = await risk.assess(police, case_id, initial(["RET-02"], version=1))

    assert (before["version"], before["domains"]["re_trafficking"]) == (
        1,
        {"score": 4, "level": "medium"},
    )
    assert (after["version"], after["domains"]["re_trafficking"]) == (
        2,
        {"score": 6, "level": "high"},
    )
    assert_problem(pinned, 422, "version")
    reread = await risk.http.get(f"/api/v1/risk-assessments/{before['id']}", headers=police.headers)
    assert reread.json() == before


async def test_a_draft_is_no_version_to_assess_with(
    risk: RiskService, coordinator: Actor, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    await start_draft(risk, coordinator)

    for assessor in (police, coordinator):
        response = await risk.assess(assessor, case_id, initial(version=2))
        assert_problem(response, 422, "version")


@pytest.mark.parametrize("status", ["published", "retired"])
async def test_a_published_or_retired_version_never_changes(
    risk: RiskService, coordinator: Actor, status: str
) -> None:
    if status == "retired":
        await start_draft(risk, coordinator)
        await risk.http.post(f"{BASE}/initial/2/publish", headers=coordinator.headers)
    before = (await risk.http.get(f"{BASE}/initial/1", headers=coordinator.headers)).json()

    edit = await patch(risk, coordinator, 1, {"label": {"ro": "Alt nume", "en": "Other name"}})
    again = await risk.http.post(f"{BASE}/initial/1/publish", headers=coordinator.headers)

    assert_problem(edit, 409)
    assert_problem(again, 409)
    after = (await risk.http.get(f"{BASE}/initial/1", headers=coordinator.headers)).json()
    assert after == before


async def test_an_edit_or_publish_against_a_stale_etag_is_refused(
    risk: RiskService, coordinator: Actor
) -> None:
    await start_draft(risk, coordinator)
    read = await risk.http.get(f"{BASE}/initial/2", headers=coordinator.headers)
    etag = read.headers["etag"]
    label = {"ro": "Ediția a doua", "en": "Second edition"}

    first = await patch(risk, coordinator, 2, {"label": label}, **{"If-Match": etag})
    stale = await patch(risk, coordinator, 2, {"label": label}, **{"If-Match": etag})
    publish = await risk.http.post(
        f"{BASE}/initial/2/publish", headers={**coordinator.headers, "If-Match": etag}
    )

    assert first.status_code == 200, first.text
    assert_problem(stale, 412)
    assert_problem(publish, 412)
    current = first.headers["etag"]
    fresh = await risk.http.post(
        f"{BASE}/initial/2/publish", headers={**coordinator.headers, "If-Match": current}
    )
    assert fresh.status_code == 200, fresh.text


def _v1_measures() -> list[dict]:
    codes = dict.fromkeys(rule.measure for rule in v1.INITIAL.measure_rules)
    return [
        {"code": code, "label": {"ro": v1.MEASURES[code].ro, "en": v1.MEASURES[code].en}}
        for code in codes
    ]


def _inconsistent_changes() -> list[tuple[dict, set[str]]]:
    duplicated = items_with({})
    duplicated[1] = copy.deepcopy(duplicated[0])
    undeclared = items_with({})
    undeclared[0]["domain"] = "finances"
    return [
        ({"items": duplicated}, {"items.0.code", "items.1.code"}),
        ({"items": undeclared}, {"items.0.domain"}),
        (
            {"domains": [{"code": "safety", "label": {"ro": "Siguranță", "en": "Safety"}}]},
            {f"items.{n}.domain" for n, i in enumerate(v1.INITIAL.items) if i.domain != "safety"}
            | {"measure_rules.3.when.domain", "measure_rules.4.when.domain"}
            | {"measure_rules.5.when.domain"},
        ),
        ({"measures": _v1_measures()[1:]}, {"measure_rules.0.measure"}),
        (
            {
                "measure_rules": [
                    {"measure": "secure_shelter", "when": {"kind": "child_assessed"}},
                    {"measure": "police_protection", "when": {"kind": "child_assessed"}},
                ]
            },
            {f"measures.{n}.code" for n in range(2, 10)},
        ),
        (
            {
                "measure_rules": [
                    {"measure": m["code"], "when": {"kind": "any_item_yes", "items": ["XYZ-01"]}}
                    for m in _v1_measures()
                ]
            },
            {f"measure_rules.{n}.when.items" for n in range(10)},
        ),
    ]


@pytest.mark.parametrize(("change", "fields"), _inconsistent_changes())
async def test_a_draft_edit_that_would_make_an_inconsistent_instrument_is_refused(
    risk: RiskService, coordinator: Actor, change: dict, fields: set[str]
) -> None:
    draft = await start_draft(risk, coordinator)

    assert_problem(await patch(risk, coordinator, 2, change), 422, *fields)
    unchanged = (await risk.http.get(f"{BASE}/initial/2", headers=coordinator.headers)).json()
    assert unchanged == draft


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"label": {"ro": "Doar română"}}, "label.en"),
        ({"label": {"ro": " ", "en": "x"}}, "label.ro"),
        ({"items": []}, "items"),
        ({"items": [{**items_with({})[0], "weight": -1}]}, "items.0.weight"),
        ({"items": [{**items_with({})[0], "code": "saf 01"}]}, "items.0.code"),
        ({"measure_rules": [{"measure": "x", "when": {"kind": "never"}}]}, "measure_rules.0.when"),
        ({"status": "published"}, "status"),
    ],
)
async def test_a_malformed_draft_edit_is_refused_naming_the_field(
    risk: RiskService, coordinator: Actor, change: dict, field: str
) -> None:
    await start_draft(risk, coordinator)

    response = await patch(risk, coordinator, 2, change)

    assert response.status_code == 422, response.text
    assert any(error["field"].startswith(field) for error in response.json()["errors"])
