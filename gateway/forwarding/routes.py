"""The routing table: which part serves which public path (pure; no I/O, no framework).

The default table is the one `services/registry.py` describes (a test keeps them equal);
it is a gateway setting so the gateway never imports another part of the suite.
"""

from collections.abc import Mapping

API_PREFIX = "/api/v1"

DEFAULT_ROUTES: Mapping[str, str] = {
    "/api/v1/indicator-catalogues": "identification",
    "/api/v1/screenings": "identification",
    "/api/v1/cases": "identification",
    "/api/v1/statistics/cases": "identification",
    "/api/v1/statistics/training": "identification",
    "/api/v1/training-sessions": "identification",
    "/api/v1/training-vignettes": "identification",
    "/api/v1/practice-screenings": "identification",
    "/api/v1/me/training": "identification",
    "/api/v1/organisations/{organisation_id}/training": "identification",
    "/api/v1/cases/{case_id}/risk-assessments": "risk",
    "/api/v1/cases/{case_id}/provider-matches": "referral",
    "/api/v1/risk-instruments": "risk",
    "/api/v1/risk-assessments": "risk",
    "/api/v1/providers": "referral",
    "/api/v1/referrals": "referral",
    "/api/v1/repatriations": "referral",
    "/api/v1/alerts": "referral",
    "/api/v1/statistics/referrals": "referral",
}

# A `{name}` segment of a prefix matches any one segment of a path.
_ANY = None
# Dot segments could climb out of the owning prefix once a client library normalises them.
_DOT_SEGMENTS = frozenset({".", ".."})


class RouteTable:
    """Finds the part owning a path: the longest matching prefix wins, segment by segment."""

    def __init__(self, routes: Mapping[str, str]) -> None:
        entries: list[tuple[tuple[str | None, ...], str, str]] = []
        for prefix, part in routes.items():
            if not prefix.startswith(API_PREFIX + "/") or prefix.endswith("/"):
                raise ValueError(f"route prefix {prefix!r} must be a path under {API_PREFIX}/")
            segments = tuple(
                _ANY if s.startswith("{") and s.endswith("}") else s for s in prefix.split("/")[1:]
            )
            entries.append((segments, part, prefix))
        self._entries = sorted(entries, key=lambda entry: len(entry[0]), reverse=True)
        self.parts = frozenset(routes.values())

    def part_for(self, path: str) -> str | None:
        found = self.match(path)
        return found[1] if found is not None else None

    def match(self, path: str) -> tuple[str, str] | None:
        """The prefix that owns `path` and its part."""
        segments = path.split("/")[1:]
        if _DOT_SEGMENTS.intersection(segments):
            return None
        for pattern, part, prefix in self._entries:
            if len(segments) >= len(pattern) and all(
                expected == given if expected is not _ANY else given != ""
                for expected, given in zip(pattern, segments, strict=False)
            ):
                return prefix, part
        return None
