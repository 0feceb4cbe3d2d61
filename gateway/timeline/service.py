"""Composing a case's timeline: fetching each part's lists with the caller's token
(`TimelineService.collect`), and merging what came back into entries in time order
(`merge_timeline`, pure: no I/O).

Each list is fetched through the gateway's pooled forwarder, all in parallel, following
cursor pages up to a bound. A part that refuses a list (403 or 404) leaves its items out;
a part that is down, slow, or answers anything else is named in `incomplete`. Only the
case itself decides the answer: 404 when the caller may not see it.
"""

import asyncio
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gateway.forwarding.exceptions import PartUnavailable
from gateway.forwarding.forwarder import Forwarder, Headers
from gateway.timeline.exceptions import CaseNotFound, CaseNotReadable
from gateway.timeline.schemas import CaseTimeline, EntryKind, SummaryValue, TimelineEntry
from shared.errors import Problem

# Items per page asked of a part, and how many pages of one list are followed at most.
PAGE_LIMIT = 200
MAX_PAGES = 10
# Of two entries at the same moment, the one earlier in a case's life comes first.
_KIND_ORDER: Mapping[str, int] = {
    kind: position
    for position, kind in enumerate(
        (
            "screening",
            "decision",
            "consent",
            "risk_assessment",
            "referral",
            "referral_status",
            "repatriation_step",
            "consent_withdrawn",
        )
    )
}


@dataclass(frozen=True)
class Source:
    """One list to fetch: from which part, at which path (with its query)."""

    part: str
    target: str
    paged: bool = True


@dataclass(frozen=True)
class Fetched:
    """What one source gave: its items (none when refused), and whether all of them."""

    items: list[dict[str, Any]]
    complete: bool = True


# The sources of a timeline, by name; `case` is the case itself (its decisions inside).
def sources(case_id: uuid.UUID) -> dict[str, Source]:
    return {
        "case": Source("identification", f"/api/v1/cases/{case_id}", paged=False),
        "screenings": Source("identification", f"/api/v1/screenings?case_id={case_id}"),
        "consents": Source("identification", f"/api/v1/cases/{case_id}/consents"),
        "risk_assessments": Source("risk", f"/api/v1/cases/{case_id}/risk-assessments"),
        "referrals": Source("referral", f"/api/v1/referrals?case_id={case_id}"),
        "repatriations": Source("referral", f"/api/v1/repatriations?case_id={case_id}"),
    }


# ---- merging (pure) -------------------------------------------------------------------


def _entry(at: Any, kind: EntryKind, id_: Any, **summary: SummaryValue) -> TimelineEntry:
    return TimelineEntry.model_validate({"at": at, "kind": kind, "id": id_, "summary": summary})


def _case_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    return [
        _entry(
            d["decided_at"],
            "decision",
            d["id"],
            decision=d["decision"],
            from_status=d.get("from_status"),
            to_status=d["to_status"],
        )
        for case in items
        for d in case.get("decisions", [])
    ]


def _screening_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    return [
        _entry(
            s["created_at"],
            "screening",
            s["id"],
            outcome=s["outcome"],
            population=s.get("population"),
            decisive_profile=s.get("decisive_profile"),
            catalogue_version=s.get("catalogue_version"),
        )
        for s in items
    ]


def _consent_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    entries = []
    for c in items:
        entries.append(
            _entry(
                c["recorded_at"],
                "consent",
                c["id"],
                scope=c["scope"],
                given=c["given"],
                method=c.get("method"),
                childs_views=c.get("childs_views"),
            )
        )
        if c.get("withdrawn_at"):
            entries.append(
                _entry(c["withdrawn_at"], "consent_withdrawn", c["id"], scope=c["scope"])
            )
    return entries


def _risk_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    return [
        _entry(
            a.get("assessed_at") or a["created_at"],
            "risk_assessment",
            a["id"],
            instrument=a["instrument"],
            version=a.get("version"),
            level=a["level"],
            incomplete=a.get("incomplete"),
        )
        for a in items
    ]


def _referral_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    entries = []
    for r in items:
        entries.append(
            _entry(
                r["created_at"],
                "referral",
                r["id"],
                provider_id=r.get("provider_id"),
                origin=r.get("origin"),
                services=r.get("services"),
                urgency=r.get("urgency"),
            )
        )
        if r.get("accepted_at"):
            entries.append(_entry(r["accepted_at"], "referral_status", r["id"], status="accepted"))
        if r.get("closed_at"):
            entries.append(_entry(r["closed_at"], "referral_status", r["id"], status=r["status"]))
    return entries


def _repatriation_entries(items: Iterable[Mapping[str, Any]]) -> list[TimelineEntry]:
    return [
        _entry(
            step["completed_at"],
            "repatriation_step",
            r["id"],
            step=step["step"],
            direction=r.get("direction"),
            country=r.get("country"),
        )
        for r in items
        for step in r.get("steps", [])
        if step.get("completed_at")
    ]


_CONVERTERS: Mapping[str, Callable[[Iterable[Mapping[str, Any]]], list[TimelineEntry]]] = {
    "case": _case_entries,
    "screenings": _screening_entries,
    "consents": _consent_entries,
    "risk_assessments": _risk_entries,
    "referrals": _referral_entries,
    "repatriations": _repatriation_entries,
}


def merge_timeline(
    case_id: uuid.UUID,
    fetched: Mapping[str, Fetched | None],
    parts: Mapping[str, str],
) -> CaseTimeline:
    """The entries of every source in time order (oldest first; ties by kind, then id).
    A source that is None (its part failed), incomplete, or whose items do not have the
    expected shape names its part (`parts[source]`) in `incomplete`."""
    entries: list[TimelineEntry] = []
    incomplete: set[str] = set()
    for name, result in fetched.items():
        if result is None:
            incomplete.add(parts[name])
            continue
        if not result.complete:
            incomplete.add(parts[name])
        try:
            entries.extend(_CONVERTERS[name](result.items))
        except (KeyError, TypeError, ValueError, AttributeError):
            incomplete.add(parts[name])
    entries.sort(key=lambda e: (e.at, _KIND_ORDER[e.kind], str(e.id)))
    return CaseTimeline(case_id=case_id, entries=entries, incomplete=sorted(incomplete))


# ---- fetching -------------------------------------------------------------------------


class _Failed(Exception):
    """A part did not answer a list as expected: its entries go missing."""


def _with_page(target: str, cursor: str | None) -> str:
    separator = "&" if "?" in target else "?"
    query = f"limit={PAGE_LIMIT}"
    if cursor is not None:
        query += "&cursor=" + quote(cursor, safe="")
    return f"{target}{separator}{query}"


async def _fetch(
    forwarder: Forwarder, source: Source, headers: Headers, *, case: bool = False
) -> Fetched:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES if source.paged else 1):
        target = _with_page(source.target, cursor) if source.paged else source.target
        upstream = await forwarder.send(source.part, "GET", target, headers)
        if upstream.status in (403, 404):
            if case:
                raise CaseNotFound() if upstream.status == 404 else CaseNotReadable()
            return Fetched([])
        if upstream.status != 200:
            raise _Failed(source.part)
        try:
            body = json.loads(upstream.body)
        except ValueError as exc:
            raise _Failed(source.part) from exc
        if not source.paged:
            if not isinstance(body, dict):
                raise _Failed(source.part)
            return Fetched([body])
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise _Failed(source.part)
        items.extend(item for item in body["items"] if isinstance(item, dict))
        cursor = body.get("next_cursor")
        if not cursor:
            return Fetched(items)
    return Fetched(items, complete=False)


class TimelineService:
    """Timelines through the gateway's forwarder, each source within `deadline` seconds
    in all its pages."""

    def __init__(self, forwarder: Forwarder, *, deadline: float) -> None:
        self.forwarder = forwarder
        self.deadline = deadline

    async def collect(self, case_id: uuid.UUID, headers: Headers) -> CaseTimeline:
        """Fetch every source in parallel with the caller's `headers` and merge them. 404
        (or 403) when the caller may not see the case; 503 when the identification
        service, which holds the case, cannot say."""
        planned = sources(case_id)

        async def one(name: str, source: Source) -> Fetched | None:
            try:
                async with asyncio.timeout(self.deadline):
                    return await _fetch(self.forwarder, source, headers, case=name == "case")
            except (_Failed, PartUnavailable, TimeoutError):
                if name == "case":
                    raise PartUnavailable(source.part) from None
                return None
            except Problem:
                if name == "case":
                    raise
                return None  # e.g. a URL the client refuses: the part's entries go missing

        names = list(planned)
        # Only the case's own fetch raises (404, 403, 503); the others end as None at worst.
        results = await asyncio.gather(
            *(one(name, planned[name]) for name in names), return_exceptions=True
        )
        fetched: dict[str, Fetched | None] = {}
        for name, result in zip(names, results, strict=True):
            if isinstance(result, BaseException):
                raise result
            fetched[name] = result
        parts = {name: source.part for name, source in planned.items()}
        return merge_timeline(case_id, fetched, parts)
