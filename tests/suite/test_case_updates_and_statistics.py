"""Through the gateway: a corrected county reaches the risk service (`case.updated`), and
the statistics of cases come out with small counts suppressed."""

from typing import Any

from risk_svc.instruments.v1 import INITIAL
from tests.support.suite import Suite

DUE = {"due_before": "2100-01-01T00:00:00+00:00"}


async def open_case(suite: Suite, headers: dict[str, str], **subject: Any) -> str:
    response = await suite.http.post(
        "/api/v1/cases",
        json={
            "county": "RO-IS",
            "subject": {"age": 30, "gender": "female", **subject},
            "basis": "Self-referral at the county police station.",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def due_cases(suite: Suite, headers: dict[str, str]) -> list[str]:
    response = await suite.http.get("/api/v1/risk-assessments", params=DUE, headers=headers)
    assert response.status_code == 200, response.text
    return [item["case_id"] for item in response.json()["items"]]


async def test_a_corrected_county_moves_the_case_in_the_risk_service(suite: Suite) -> None:
    police = await suite.headers_for("police", name="IPJ Iași", county="RO-IS")
    iasi = await suite.headers_for(
        "coordinator", name="Centrul regional Iași", kind="national_agency", county="RO-IS"
    )
    cluj = await suite.headers_for(
        "coordinator", name="Centrul regional Cluj", kind="national_agency", county="RO-CJ"
    )
    case_id = await open_case(suite, police)
    await suite.settle()
    answers = [
        {"item": item.code, "answer": "yes" if item.code == "SAF-02" else "no"}
        for item in INITIAL.items
        if not item.child_only
    ]
    assessed = await suite.http.post(
        f"/api/v1/cases/{case_id}/risk-assessments",
        json={"instrument": "initial", "answers": answers},
        headers=police,
    )
    assert assessed.status_code == 201, assessed.text
    assert (await due_cases(suite, iasi), await due_cases(suite, cluj)) == ([case_id], [])

    corrected = await suite.http.patch(
        f"/api/v1/cases/{case_id}", json={"county": "RO-CJ"}, headers=police
    )
    assert corrected.status_code == 200, corrected.text
    await suite.settle()

    assert (await due_cases(suite, iasi), await due_cases(suite, cluj)) == ([], [case_id])
    history = await suite.http.get(f"/api/v1/cases/{case_id}/risk-assessments", headers=cluj)
    assert history.status_code == 200
    assert await due_cases(suite, police) == [case_id]


async def test_statistics_of_cases_show_small_counts_suppressed(suite: Suite) -> None:
    police = await suite.headers_for("police", name="IPJ Iași", county="RO-IS")
    for gender in ["female"] * 6 + ["male"] * 2:
        await open_case(suite, police, gender=gender)
    auditor = await suite.headers_for(
        "auditor", name="Corpul de control", kind="national_agency", county="national"
    )

    response = await suite.http.get(
        "/api/v1/statistics/cases", params={"group_by": "gender"}, headers=auditor
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cells"] == [
        {"gender": "female", "count": "suppressed"},
        {"gender": "male", "count": "<5"},
    ]
    assert body["total"] == 8
    assert suite.forwarded[-1].url.host == "identification"

    refused = await suite.http.get(
        "/api/v1/statistics/cases", headers=await suite.headers_for("provider")
    )
    assert refused.status_code == 403
    bad = await suite.http.get(
        "/api/v1/statistics/cases", params={"group_by": "name"}, headers=auditor
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in bad.json()["errors"]] == ["group_by"]
