"""Through the gateway: coverage statistics for the coordinator — trained workers by
organisation kind, county and catalogue version; organisations that screen without a
trained member; workers trained only on a retired version — suppressed like the case
statistics."""

from typing import Any

from tests.support.suite import Suite, bearer
from tests.support.training import national_coordinator, participant, record_session

STATISTICS = "/api/v1/statistics/training"
NO_INDICATION = {"answers": [{"indicator": "VR.15", "answer": "yes"}]}


async def coverage(
    suite: Suite, headers: dict[str, str], measure: str, **params: str
) -> dict[str, Any]:
    response = await suite.http.get(f"{STATISTICS}/{measure}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def externals(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [participant(f"Attendee {n}", **fields) for n in range(count)]


async def test_trained_workers_by_kind_county_and_version_with_small_counts_hidden(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    await record_session(
        suite,
        coordinator,
        *externals(6, kind="police", county="RO-IS"),
        *externals(5, kind="ngo", county="RO-CJ"),
        *externals(3, kind="ngo", county="RO-CJ", completed=False),
    )
    table = await coverage(
        suite, coordinator, "trained_workers", group_by="organisation_kind,county,catalogue_version"
    )
    assert table["group_by"] == ["organisation_kind", "county", "catalogue_version"]
    assert table["cells"] == [
        {"organisation_kind": "ngo", "county": "RO-CJ", "catalogue_version": 1, "count": 5},
        {"organisation_kind": "police", "county": "RO-IS", "catalogue_version": 1, "count": 6},
    ]
    assert (table["total"], table["threshold"], table["current_catalogue_version"]) == (11, 5, 1)

    await record_session(suite, coordinator, *externals(2, kind="other", county="RO-B"))
    table = await coverage(suite, coordinator, "trained_workers", group_by="organisation_kind")
    by_kind = {cell["organisation_kind"]: cell["count"] for cell in table["cells"]}
    assert by_kind["other"] == "<5"
    # No total gives the small count away: something else is hidden with it.
    shown = [count for count in by_kind.values() if isinstance(count, int)]
    assert not isinstance(table["total"], int) or len(shown) < 2
    outside = await coverage(suite, coordinator, "trained_workers", to="2026-01-01")
    assert (outside["cells"], outside["total"]) == ([], "<5")


async def test_organisations_that_screen_are_counted_by_whether_a_member_is_trained(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    for n in range(5):
        untrained = await suite.headers_for("police", name=f"Untrained {n}", county="RO-CJ")
        screened = await suite.http.post(
            "/api/v1/screenings", json=NO_INDICATION, headers=untrained
        )
        assert screened.status_code == 201, screened.text
    table = await coverage(
        suite, coordinator, "screening_organisations", group_by="members_trained"
    )
    assert table["cells"] == [{"members_trained": "none", "count": 5}]
    assert table["total"] == 5

    trained_unit = await suite.organisation(name="IPJ Iași", kind="police", county="RO-IS")
    officer = await suite.user("police", organisation_id=trained_unit["id"])
    await record_session(suite, coordinator, participant(organisation_id=trained_unit["id"]))
    token = await suite.token(officer["username"])
    await suite.http.post("/api/v1/screenings", json=NO_INDICATION, headers=bearer(token))
    table = await coverage(
        suite, coordinator, "screening_organisations", group_by="organisation_kind,members_trained"
    )
    cells = {cell["members_trained"]: cell["count"] for cell in table["cells"]}
    assert cells["current_version"] == "<5"
    assert cells["none"] in (5, "suppressed")
    assert {cell["organisation_kind"] for cell in table["cells"]} == {"police"}


async def test_workers_trained_only_on_a_retired_version_are_counted_for_a_refresher(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    await record_session(suite, coordinator, *externals(5, kind="social_services"))
    assert (await coverage(suite, coordinator, "retired_version_workers"))["total"] == "<5"

    draft = await suite.http.post("/api/v1/indicator-catalogues", headers=coordinator)
    assert draft.status_code == 201, draft.text
    # A draft may be taught before it is published; those attendees are then up to date.
    await record_session(suite, coordinator, participant(kind="police"), catalogue_version=2)
    published = await suite.http.post("/api/v1/indicator-catalogues/2/publish", headers=coordinator)
    assert published.status_code == 200, published.text

    table = await coverage(
        suite,
        coordinator,
        "retired_version_workers",
        group_by="organisation_kind,catalogue_version",
    )
    assert table["cells"] == [
        {"organisation_kind": "social_services", "catalogue_version": 1, "count": 5}
    ]
    assert table["current_catalogue_version"] == 2
    workers = await coverage(suite, coordinator, "trained_workers", group_by="catalogue_version")
    # A total would give the lone version-2 worker away: the 5 is hidden too.
    assert workers["cells"] == [
        {"catalogue_version": 1, "count": "suppressed"},
        {"catalogue_version": 2, "count": "<5"},
    ]


async def test_coverage_is_for_coordinators_and_refuses_what_it_does_not_count(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    for role in ("police", "auditor", "manager"):
        refused = await suite.http.get(
            f"{STATISTICS}/trained_workers", headers=await suite.headers_for(role)
        )
        assert refused.status_code == 403, role
    for params, field in [
        ({"group_by": "members_trained"}, "group_by"),
        ({"group_by": "county,county"}, "group_by"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"from": "yesterday"}, "from"),
    ]:
        answer = await suite.http.get(
            f"{STATISTICS}/trained_workers", params=params, headers=coordinator
        )
        assert answer.status_code == 422, params
        assert answer.json()["errors"][0]["field"] == field
    assert (
        await suite.http.get(f"{STATISTICS}/everything", headers=coordinator)
    ).status_code == 422


async def test_with_nothing_recorded_every_measure_by_county_is_empty(suite: Suite) -> None:
    coordinator = await national_coordinator(suite)
    for measure in ("trained_workers", "retired_version_workers", "screening_organisations"):
        table = await coverage(suite, coordinator, measure, group_by="county")
        assert (table["cells"], table["total"]) == ([], "<5"), measure
