"""The routing table: the longest matching prefix, segment by segment, decides the part;
the default table is the topology of `services/registry.py`."""

import pytest

from gateway.forwarding.routes import DEFAULT_ROUTES, RouteTable
from gateway.settings import Settings
from services.registry import CASE_SUBRESOURCES, SERVICES


def test_the_default_table_is_the_registrys() -> None:
    expected = {prefix: part.name for part in SERVICES for prefix in part.routes}
    expected.update(
        {f"/api/v1/cases/{{case_id}}/{sub}": part for sub, part in CASE_SUBRESOURCES.items()}
    )
    assert dict(DEFAULT_ROUTES) == expected
    assert Settings().routes == expected


TABLE = RouteTable(DEFAULT_ROUTES)


@pytest.mark.parametrize(
    ("path", "part"),
    [
        ("/api/v1/cases", "identification"),
        ("/api/v1/cases/", "identification"),
        ("/api/v1/cases/42/risk-assessments", "risk"),
        ("/api/v1/cases/42/risk-assessments/7", "risk"),
        ("/api/v1/cases/42/provider-matches", "referral"),
        ("/api/v1/cases/42/risk-assessmentsX", "identification"),
        ("/api/v1/cases//risk-assessments", "identification"),
        ("/api/v1/risk-assessments", "risk"),
        ("/api/v1/casesX", None),
        ("/api/v1/case", None),
        ("/api/v1", None),
        ("/api/v1/", None),
        ("/internal/events", None),
        ("/api/v2/cases", None),
        ("/api/v1/cases/../internal", None),
        ("/api/v1/cases/./42", None),
    ],
)
def test_a_path_goes_to_the_longest_matching_prefix(path: str, part: str | None) -> None:
    assert TABLE.part_for(path) == part


@pytest.mark.parametrize("prefix", ["/cases", "/api/v1/", "/api/v1/cases/", "api/v1/cases"])
def test_a_prefix_outside_the_api_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="route prefix"):
        RouteTable({prefix: "identification"})
