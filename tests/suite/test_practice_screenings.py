"""Through the gateway: practice screenings evaluate exactly as real ones, explain the
outcome, compare it with a vignette, and leave no case, person, screening or event
behind — only a count in the training statistics."""

from typing import Any

from tests.support.suite import Suite
from tests.support.training import audit_events, identification_counts, national_coordinator

PRACTICE = "/api/v1/practice-screenings"
TRAINING_COUNTS = "training_practice_counts"


def practice(yes: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "exploitation_forms": ["labour"],
        "subject": {"age": 34, "possibly_minor": False, "gender": "male", "citizenship": "RO"},
        "context": {"setting": "border_check", "act_recorded": True},
        "answers": [{"indicator": code, "answer": "yes"} for code in yes],
        **fields,
    }


async def test_a_practice_is_compared_with_its_vignette_and_leaves_nothing_behind(
    suite: Suite,
) -> None:
    trainee = await suite.headers_for("labour_inspector", kind="labour_inspectorate")
    vignette = await suite.http.get(
        "/api/v1/training-vignettes/V1-01", headers={**trainee, "Accept-Language": "en"}
    )
    assert vignette.status_code == 200, vignette.text
    assert vignette.json()["title"] == "The strawberry harvest"
    assert "expected_yes" not in vignette.text  # the answers come with the result only
    before = await identification_counts(suite)
    audited = len(await audit_events(suite))

    answered = practice(["DR.01", "DR.02", "EX.01", "CD.01", "VR.06"], vignette="V1-01")
    response = await suite.http.post(
        PRACTICE, json=answered, headers={**trainee, "Accept-Language": "en"}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["outcome"], result["population"], result["decisive_profile"]) == (
        "potential_victim",
        "adult",
        "AL",
    )
    assert result["profiles"]["AL"]["rule"]["missing"] == ["exploitation", "destination"]
    assert result["explanation"][0] == "Evaluated as an adult under AL (adult, labour)."
    assert result["vignette"] == {
        "code": "V1-01",
        "title": "The strawberry harvest",
        "expected_outcome": "presumed_victim",
        "expected_population": "adult",
        "outcome_matches": False,
        "population_matches": True,
        "expected_yes": ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"],
        "missed": ["CD.04", "EX.04"],
        "unexpected": ["VR.06"],
        "teaching_note": result["vignette"]["teaching_note"],
    }
    assert result["vignette"]["teaching_note"].startswith("Deceptive recruitment")

    after = await identification_counts(suite)
    changed = {table for table in after if after[table] != before[table]}
    assert changed == {TRAINING_COUNTS}
    for table in ("cases", "screenings", "persons", "case_decisions", "outbox", "consents"):
        assert after[table] == 0, table
    assert len(await audit_events(suite)) == audited  # not a screening: nothing recorded


async def test_a_practice_is_validated_as_a_real_screening_is(suite: Suite) -> None:
    trainee = await suite.headers_for("police")
    unknown = await suite.http.post(
        PRACTICE, json=practice(["DR.01", "XX.99", "DR.01"]), headers=trainee
    )
    real = await suite.http.post(
        "/api/v1/screenings", json=practice(["DR.01", "XX.99", "DR.01"]), headers=trainee
    )
    assert unknown.status_code == real.status_code == 422
    assert (
        unknown.json()["errors"]
        == real.json()["errors"]
        == [
            {
                "field": "answers.1.indicator",
                "message": "is not an indicator of this catalogue version",
            },
            {"field": "answers.2.indicator", "message": "is answered more than once"},
        ]
    )
    other_version = await suite.http.post(
        PRACTICE, json=practice([], vignette="V1-01", catalogue_version=2), headers=trainee
    )
    assert other_version.json()["errors"][0]["field"] == "catalogue_version"
    no_such = await suite.http.post(PRACTICE, json=practice([], vignette="V9-99"), headers=trainee)
    assert no_such.json()["errors"][0]["field"] == "vignette"
    with_case = await suite.http.post(
        PRACTICE, json=practice([], case_id="6b1d3c1e-2b0f-4f0a-9d5e-0c2b1a3f4e5d"), headers=trainee
    )
    assert with_case.status_code == 422  # a practice belongs to no case


async def test_the_same_answers_give_the_same_evaluation_as_a_real_screening(
    suite: Suite,
) -> None:
    trainee = await suite.headers_for("police")
    body = practice(["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"])
    body["answers"].append({"indicator": "VD.01", "answer": "unknown"})
    practised = (await suite.http.post(PRACTICE, json=body, headers=trainee)).json()
    real = (await suite.http.post("/api/v1/screenings", json=body, headers=trainee)).json()
    for field in ("outcome", "population", "decisive_profile", "profiles", "catalogue_version"):
        assert practised[field] == real[field], field


async def test_practice_screenings_are_counted_in_the_training_statistics_only(
    suite: Suite,
) -> None:
    trainee = await suite.headers_for("social_worker", kind="social_services", county="RO-CJ")
    for _ in range(5):
        response = await suite.http.post(
            PRACTICE,
            json=practice(["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"], vignette="V1-01"),
            headers=trainee,
        )
        assert response.status_code == 200
    coordinator = await national_coordinator(suite)
    statistics = await suite.http.get(
        "/api/v1/statistics/training/practice_screenings",
        params={"group_by": "vignette,matched,organisation_kind,county"},
        headers=coordinator,
    )
    assert statistics.status_code == 200, statistics.text
    assert statistics.json()["cells"] == [
        {
            "vignette": "V1-01",
            "matched": "yes",
            "organisation_kind": "social_services",
            "county": "RO-CJ",
            "count": 5,
        }
    ]
    cases = await suite.http.get("/api/v1/statistics/cases", headers=coordinator)
    assert cases.json()["total"] == "<5"
    assert cases.json()["cells"] == []
