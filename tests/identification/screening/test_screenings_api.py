"""`POST /api/v1/screenings` and reading screenings back, through the real app."""

import copy
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import select

from identification_svc.catalogue.models import CatalogueIndicator
from identification_svc.catalogue.service import engine_indicators
from identification_svc.screening.models import Screening
from identification_svc.screening.rules import evaluate
from tests.support.identification import (
    NO_CASE,
    POTENTIAL,
    PRESUMED,
    Caller,
    Callers,
    Service,
    screening,
)
from tests.support.problems import assert_problem

STORED = ("screenings", "cases", "case_decisions", "outbox")


async def test_the_answer_has_the_shape_of_the_contract(service: Service, police: Caller) -> None:
    response = await service.screen(police, screening(PRESUMED, catalogue_version=1))
    assert response.status_code == 201
    body = response.json()
    assert {
        "id",
        "case_id",
        "outcome",
        "population",
        "decisive_profile",
        "profiles",
        "catalogue_version",
        "rule_set_version",
        "created_at",
    } <= set(body)
    assert body["catalogue_version"] == 1
    assert body["rule_set_version"] == "1"
    al = body["profiles"]["AL"]
    assert al["dimensions"]["DR"] == {
        "present": True,
        "clause": "strong_and_other",
        "counted": ["DR.01", "DR.02"],
        "unknown": 0,
        "unknown_indicators": [],
    }
    assert al["rule"]["satisfied"] is True
    assert al["rule"]["missing"] == []


async def test_worked_example_one_adult_labour_is_a_presumed_victim_decided_by_al(
    service: Service, police: Caller
) -> None:
    body = (await service.screen(police, screening(PRESUMED))).json()
    assert body["outcome"] == "presumed_victim"
    assert body["population"] == "adult"
    assert body["decisive_profile"] == "AL"
    al = body["profiles"]["AL"]
    assert al["outcome"] == "presumed_victim"
    assert al["dimensions"]["EX"]["clause"] == "strong_and_other"
    assert al["dimensions"]["EX"]["counted"] == ["EX.01", "EX.04"]
    assert al["dimensions"]["CD"]["clause"] == "two_strong"
    assert al["dimensions"]["CD"]["counted"] == ["CD.01", "CD.04"]


async def test_worked_example_two_the_same_answers_under_as_are_a_potential_victim(
    service: Service, police: Caller
) -> None:
    body = (await service.screen(police, screening(PRESUMED))).json()
    adult_sexual = body["profiles"]["AS"]
    assert adult_sexual["outcome"] == "potential_victim"
    ex = adult_sexual["dimensions"]["EX"]
    assert ex["present"] is False
    assert ex["clause"] is None
    assert ex["counted"] == ["EX.01", "EX.04"]
    assert adult_sexual["rule"]["missing"] == ["exploitation"]
    assert body["outcome"] == "presumed_victim"


async def test_worked_example_three_one_strong_indicator_only_is_a_potential_victim(
    service: Service, police: Caller
) -> None:
    body = (await service.screen(police, screening(["DR.01"]))).json()
    assert body["outcome"] == "potential_victim"
    assert body["decisive_profile"] == "AL"
    al = body["profiles"]["AL"]
    assert al["strong_indicators"] == ["DR.01"]
    assert not any(d["present"] for d in al["dimensions"].values())


async def test_worked_example_four_weak_indicators_only_give_no_indication_and_no_case(
    service: Service, police: Caller
) -> None:
    body = (await service.screen(police, screening(["VR.15", "VR.16", "CD.15"]))).json()
    assert body["outcome"] == "no_indication"
    assert body["case_id"] is None
    for profile in body["profiles"].values():
        assert profile["strong_indicators"] == []
        assert not any(d["present"] for d in profile["dimensions"].values())
    assert await service.count("cases") == 0


async def test_worked_example_five_a_child_is_a_presumed_victim_without_means(
    service: Service, police: Caller
) -> None:
    body = (
        await service.screen(police, screening(["EX.14", "EX.02"], age=16, act_recorded=True))
    ).json()
    assert body["population"] == "child"
    assert set(body["profiles"]) == {"CL", "CS"}
    cs = body["profiles"]["CS"]
    assert cs["outcome"] == "presumed_victim"
    assert cs["dimensions"]["EX"]["clause"] == "strong_and_other"
    means = ("DR", "CR", "VR", "CD", "VD")
    assert not any(cs["dimensions"][d]["present"] for d in means)
    assert cs["rule"]["act_recorded"] is True
    assert body["outcome"] == "presumed_victim"
    assert body["decisive_profile"] == "CS"


async def test_a_presumed_victim_opens_a_presumed_case_of_the_callers_organisation(
    service: Service, police: Caller
) -> None:
    body = (await service.screen(police, screening(PRESUMED, county="RO-IS"))).json()
    case = await service.case(police, body["case_id"])
    assert case["status"] == "presumed"
    assert case["opened_by_organisation_id"] == str(police.organisation_id)
    assert case["county"] == "RO-IS"
    assert case["is_child"] is False
    [opening] = case["decisions"]
    assert opening["decision"] == "opened"
    assert opening["to_status"] == "presumed"
    assert opening["screening_id"] == body["id"]
    assert opening["decided_by"] == str(police.subject_id)
    assert opening["roles"] == ["police"]
    assert opening["organisation_id"] == str(police.organisation_id)


async def test_a_potential_victim_opens_a_potential_case(service: Service, police: Caller) -> None:
    body = (
        await service.screen(police, screening(POTENTIAL, age=None, possibly_minor=True))
    ).json()
    case = await service.case(police, body["case_id"])
    assert case["status"] == "potential"
    assert case["is_child"] is True


async def test_a_screening_with_a_case_joins_it_and_a_presumed_outcome_presumes_it(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, POTENTIAL)
    first = await service.screen(police, screening(["DR.01"], case_id=case["id"]))
    assert first.json()["case_id"] == case["id"]
    assert (await service.case(police, case["id"]))["status"] == "potential"
    second = await service.screen(police, screening(PRESUMED, case_id=case["id"]))
    assert second.json()["case_id"] == case["id"]
    after = await service.case(police, case["id"])
    assert after["status"] == "presumed"
    assert after["decisions"][-1]["screening_id"] == second.json()["id"]
    assert await service.count("cases") == 1


async def test_a_screening_of_a_case_the_caller_may_not_see_is_404_and_stores_nothing(
    service: Service, police: Caller, other_police: Caller
) -> None:
    case = await service.open_case(police)
    before = await service.counts(*STORED)
    response = await service.screen(other_police, screening(PRESUMED, case_id=case["id"]))
    assert_problem(response, 404, slug="not-found", detail=NO_CASE)
    assert await service.counts(*STORED) == before


async def test_a_closed_case_takes_no_screening(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    closing = {"status": "closed", "basis": "done", "closing_reason": "duplicate"}
    await service.client.post(
        f"/api/v1/cases/{case['id']}/decisions", json=closing, headers=police.headers
    )
    response = await service.screen(police, screening(PRESUMED, case_id=case["id"]))
    assert_problem(
        response,
        409,
        slug="conflict",
        detail="The case is closed; reopen it before screening again.",
    )


@pytest.mark.parametrize("roles", [("provider",), ("admin",), ("auditor",), ("consular_officer",)])
async def test_roles_that_do_not_screen_are_refused(
    service: Service, callers: Callers, roles: tuple[str, ...]
) -> None:
    response = await service.screen(callers(*roles), screening(PRESUMED))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert await service.count("screenings") == 0


async def test_a_stored_screening_re_evaluates_to_the_same_result(
    service: Service, police: Caller
) -> None:
    body = screening([*PRESUMED, "VR.15"], forms=["labour", "sexual"])
    body["answers"] += [
        {"indicator": "CR.01", "answer": "unknown"},
        {"indicator": "EX.10", "answer": "no"},
    ]
    created = (await service.screen(police, body)).json()
    async with service.app.state.database.sessions() as session:
        stored = await session.get(Screening, uuid.UUID(created["id"]))
        assert stored is not None
        rows = await session.scalars(
            select(CatalogueIndicator).where(
                CatalogueIndicator.catalogue_version == stored.catalogue_version
            )
        )
        again = evaluate(
            engine_indicators(list(rows)),
            {a["indicator"]: a["answer"] for a in stored.answers},
            age=stored.subject["age"],
            possibly_minor=stored.subject["possibly_minor"],
            exploitation_forms=stored.exploitation_forms,
            act_recorded=stored.context["act_recorded"],
        )
    assert again.rule_set_version == stored.rule_set_version
    assert again.to_dict() == stored.result
    assert again.outcome == created["outcome"]


async def test_a_stored_screening_reads_back_with_its_answers(
    service: Service, police: Caller
) -> None:
    body = screening(PRESUMED)
    body["answers"][0]["note"] = "promised hotel work"
    created = (await service.screen(police, body)).json()
    response = await service.client.get(
        f"/api/v1/screenings/{created['id']}", headers=police.headers
    )
    assert response.status_code == 200
    stored = response.json()
    assert stored["outcome"] == created["outcome"]
    assert stored["profiles"] == created["profiles"]
    assert stored["answers"][0] == {
        "indicator": "DR.01",
        "answer": "yes",
        "note": "promised hotel work",
    }
    assert stored["subject"]["age"] == 24


async def test_screenings_list_by_case_and_stay_within_scope(
    service: Service, police: Caller, other_police: Caller
) -> None:
    case = await service.open_case(police)
    await service.screen(police, screening(["DR.01"], case_id=case["id"]))
    await service.screen(police, screening(["VR.15"]))
    theirs = (await service.screen(other_police, screening(PRESUMED))).json()

    listed = await service.client.get(
        "/api/v1/screenings", params={"case_id": case["id"]}, headers=police.headers
    )
    assert listed.status_code == 200
    assert {s["case_id"] for s in listed.json()["items"]} == {case["id"]}
    assert len(listed.json()["items"]) == 2

    everything = await service.client.get("/api/v1/screenings", headers=police.headers)
    ids = {s["id"] for s in everything.json()["items"]}
    assert len(ids) == 3
    assert theirs["id"] not in ids

    hidden = await service.client.get(f"/api/v1/screenings/{theirs['id']}", headers=police.headers)
    assert_problem(
        hidden, 404, slug="not-found", detail="There is no screening with this id that you may see."
    )
    foreign_case = await service.client.get(
        "/api/v1/screenings", params={"case_id": theirs["case_id"]}, headers=police.headers
    )
    assert_problem(foreign_case, 404, slug="not-found", detail=NO_CASE)


async def test_the_catalogue_version_defaults_to_the_latest_published(
    service: Service, police: Caller
) -> None:
    body = screening(PRESUMED)
    body.pop("catalogue_version", None)
    assert (await service.screen(police, body)).json()["catalogue_version"] == 1


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return changed


_BASE = screening(PRESUMED)
_ANSWERS = cast(list[dict[str, Any]], _BASE["answers"])
HOSTILE: dict[str, tuple[dict[str, Any], str]] = {
    "unknown indicator": (_with(_BASE, "answers.3.indicator", "ZZ.99"), "answers.3.indicator"),
    "duplicate indicator": (
        {**_BASE, "answers": [*_ANSWERS, {"indicator": "DR.01", "answer": "no"}]},
        "answers.6.indicator",
    ),
    "answer outside yes/no/unknown": (
        _with(_BASE, "answers.2.answer", "maybe"),
        "answers.2.answer",
    ),
    "answer of the wrong type": (_with(_BASE, "answers.2.answer", True), "answers.2.answer"),
    "age above 120": (_with(_BASE, "subject.age", 121), "subject.age"),
    "negative age": (_with(_BASE, "subject.age", -1), "subject.age"),
    "fractional age": (_with(_BASE, "subject.age", 24.5), "subject.age"),
    "age as text": (_with(_BASE, "subject.age", "24"), "subject.age"),
    "age as a boolean": (_with(_BASE, "subject.age", True), "subject.age"),
    "a 1 MB note": (_with(_BASE, "answers.0.note", "x" * 1_000_000), "answers.0.note"),
    "a note of 2001 characters": (_with(_BASE, "answers.0.note", "x" * 2001), "answers.0.note"),
    "a NUL in a note": (_with(_BASE, "answers.0.note", "a\x00b"), "answers.0.note"),
    "an unpaired surrogate in a note": (
        _with(_BASE, "answers.0.note", "a\ud800"),
        "answers.0.note",
    ),
    "too many answers": (
        {**_BASE, "answers": [{"indicator": "DR.01", "answer": "yes"}] * 301},
        "answers",
    ),
    "unknown gender": (_with(_BASE, "subject.gender", "robot"), "subject.gender"),
    "unknown setting": (_with(_BASE, "context.setting", "sauna"), "context.setting"),
    "unknown form": (
        _with(_BASE, "exploitation_forms", ["labour", "tourism"]),
        "exploitation_forms.1",
    ),
    "unknown county": (_with(_BASE, "context.county", "RO-XX"), "context.county"),
    "SQL as a county": (
        _with(_BASE, "context.county", "'; DROP TABLE cases; --"),
        "context.county",
    ),
    "unknown country": (
        _with(_BASE, "context.country_of_exploitation", "XX"),
        "context.country_of_exploitation",
    ),
    "lower-case citizenship": (_with(_BASE, "subject.citizenship", "ro"), "subject.citizenship"),
    "unknown field": ({**_BASE, "catalog_version": 1}, "catalog_version"),
    "draft-less unknown catalogue version": (
        {**_BASE, "catalogue_version": 99},
        "catalogue_version",
    ),
    "catalogue version as text": ({**_BASE, "catalogue_version": "1"}, "catalogue_version"),
    "huge catalogue version": ({**_BASE, "catalogue_version": 10**30}, "catalogue_version"),
    "case id not a uuid": ({**_BASE, "case_id": "1 OR 1=1"}, "case_id"),
    "answers not a list": ({**_BASE, "answers": {"DR.01": "yes"}}, "answers"),
    "an enormous indicator code": (
        _with(_BASE, "answers.1.indicator", "D" * 100_000),
        "answers.1.indicator",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_hostile_input_is_a_422_naming_the_field_and_stores_nothing(
    service: Service, police: Caller, case: str
) -> None:
    body, field = HOSTILE[case]
    before = await service.counts(*STORED)
    response = await service.screen(police, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/validation"
    assert field in {error["field"] for error in problem["errors"]}
    assert await service.counts(*STORED) == before
