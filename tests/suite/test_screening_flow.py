"""Issue 3 through the gateway: screening with a police token, the case it opens, scope."""

from typing import Any

import pytest

from tests.support.suite import Suite

ADULT = {"age": 24, "possibly_minor": False, "gender": "female", "citizenship": "RO"}


def screening(yes: list[str], subject: dict[str, Any] = ADULT, **extra: Any) -> dict[str, Any]:
    return {
        "exploitation_forms": [],
        "subject": subject,
        "context": {"county": "RO-IS", "setting": "border_check", "act_recorded": False},
        "answers": [{"indicator": code, "answer": "yes"} for code in yes],
        **extra,
    }


async def test_the_first_worked_example_is_a_presumed_victim_decided_under_adult_labour(
    suite: Suite,
) -> None:
    police = await suite.headers_for("police")
    response = await suite.http.post(
        "/api/v1/screenings",
        json=screening(["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]),
        headers=police,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["outcome"], body["population"], body["decisive_profile"]) == (
        "presumed_victim",
        "adult",
        "AL",
    )
    al, as_ = body["profiles"]["AL"], body["profiles"]["AS"]
    assert al["dimensions"]["DR"] == {
        **al["dimensions"]["DR"],
        "present": True,
        "clause": "strong_and_other",
        "counted": ["DR.01", "DR.02"],
    }
    assert al["dimensions"]["EX"]["clause"] == "strong_and_other"
    assert al["dimensions"]["CD"]["clause"] == "two_strong"
    assert al["rule"]["satisfied"] is True
    # Under AS, EX.01 is medium: two medium make no dimension, so AS is only potential.
    assert as_["outcome"] == "potential_victim"
    assert as_["dimensions"]["EX"]["present"] is False
    assert as_["rule"]["missing"] == ["exploitation"]
    assert body["catalogue_version"] == 1
    assert body["rule_set_version"] == "1"

    case = await suite.http.get(f"/api/v1/cases/{body['case_id']}", headers=police)
    assert case.status_code == 200
    assert case.json()["status"] == "presumed"


@pytest.mark.parametrize(
    ("yes", "outcome"),
    [(["DR.01"], "potential_victim"), (["VR.15", "VR.16", "CD.15"], "no_indication")],
)
async def test_the_other_adult_worked_examples(suite: Suite, yes, outcome) -> None:
    police = await suite.headers_for("police")
    response = await suite.http.post("/api/v1/screenings", json=screening(yes), headers=police)
    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == outcome
    assert (response.json()["case_id"] is None) == (outcome == "no_indication")


async def test_a_child_with_an_act_recorded_is_presumed_without_any_means(suite: Suite) -> None:
    police = await suite.headers_for("police")
    body = screening(["EX.14", "EX.02"], subject={"age": 16, "gender": "female"})
    body["context"]["act_recorded"] = True
    response = await suite.http.post("/api/v1/screenings", json=body, headers=police)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["outcome"], result["population"], result["decisive_profile"]) == (
        "presumed_victim",
        "child",
        "CS",
    )
    means = ("DR", "CR", "VR", "CD", "VD")
    assert not any(result["profiles"]["CS"]["dimensions"][d]["present"] for d in means)


@pytest.mark.parametrize("role", ["provider", "admin"])
async def test_a_provider_or_admin_cannot_screen(suite: Suite, role: str) -> None:
    headers = await suite.headers_for(role)
    response = await suite.http.post(
        "/api/v1/screenings", json=screening(["DR.01"]), headers=headers
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda b: b["answers"].append({"indicator": "ZZ.99", "answer": "yes"}),
            "answers.1.indicator",
        ),
        (lambda b: b["answers"].append({"indicator": "DR.01", "answer": "no"}), "answers.1"),
        (
            lambda b: b["answers"].__setitem__(0, {"indicator": "DR.01", "answer": "maybe"}),
            "answers.0.answer",
        ),
        (lambda b: b["subject"].__setitem__("age", -1), "subject.age"),
        (lambda b: b["subject"].__setitem__("age", 300), "subject.age"),
        (lambda b: b["answers"][0].__setitem__("note", "x" * 1_000_000), "answers.0.note"),
    ],
    ids=["unknown code", "duplicate code", "bad answer", "age -1", "age 300", "1 MB note"],
)
async def test_a_bad_screening_is_a_422_naming_the_field_and_stores_nothing(
    suite: Suite, mutate, field: str
) -> None:
    police = await suite.headers_for("police")
    body = screening(["DR.01"], subject=dict(ADULT))
    mutate(body)
    response = await suite.http.post("/api/v1/screenings", json=body, headers=police)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(f.startswith(field) for f in fields), fields
    for path in ("/api/v1/screenings", "/api/v1/cases"):
        listed = await suite.http.get(path, headers=police)
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"] == []


async def test_another_organisation_gets_404_on_the_case_and_does_not_list_it(
    suite: Suite,
) -> None:
    police = await suite.headers_for("police")
    opened = await suite.http.post("/api/v1/screenings", json=screening(["DR.01"]), headers=police)
    case_id = opened.json()["case_id"]
    stranger = await suite.headers_for("police", name="IPJ Cluj", county="RO-CJ")
    assert (await suite.http.get(f"/api/v1/cases/{case_id}", headers=stranger)).status_code == 404
    assert (await suite.http.get("/api/v1/cases", headers=stranger)).json()["items"] == []
    own = await suite.http.get("/api/v1/cases", headers=police)
    assert [item["id"] for item in own.json()["items"]] == [case_id]
