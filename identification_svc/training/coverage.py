"""Training coverage as counts (pure: no database, no framework).

Turns the training records into the combinations `shared.statistics` counts and
suppresses, one function per measure:

- `trained_workers`: each person who completed a training held in the period, once, under
  the organisation kind and county of their latest completion and under each catalogue
  version they completed then (a worker trained on two versions counts under both, so the
  counts by version may add up to more than the total);
- `retired_version_workers`: each person whose completed trainings are all on versions
  since retired (none on the current one), under their latest completion's organisation
  and the newest retired version they completed, when that completion was held in the
  period: the workers who need a refresher;
- `screening_organisations`: each organisation that screened in the period, under its
  kind and county (from the screener's token) and whether any of its members completed a
  training on the current version (`current_version`), only on other versions
  (`other_version_only`), or none (`none`: organisations whose users screen without any
  trained member);
- `practice_screenings`: practice screenings on the days of the period.

A person is a user of the suite (by user id); an attendee without an account cannot be
recognised across sessions, so each of their attendances is a person of its own.
"""

import uuid
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from shared.statistics import Period

Key = tuple[Hashable, ...]

Measure = Literal[
    "trained_workers", "retired_version_workers", "screening_organisations", "practice_screenings"
]
Dimension = Literal[
    "organisation_kind", "county", "catalogue_version", "members_trained", "vignette", "matched"
]
MEASURES: Final[Mapping[Measure, tuple[Dimension, ...]]] = {
    "trained_workers": ("organisation_kind", "county", "catalogue_version"),
    "retired_version_workers": ("organisation_kind", "county", "catalogue_version"),
    "screening_organisations": ("organisation_kind", "county", "members_trained"),
    "practice_screenings": (
        "catalogue_version",
        "vignette",
        "matched",
        "organisation_kind",
        "county",
    ),
}
CURRENT_VERSION: Final = "current_version"
OTHER_VERSION_ONLY: Final = "other_version_only"
NONE: Final = "none"
UNKNOWN: Final = "unknown"
RETIRED: Final = "retired"


@dataclass(frozen=True)
class Completion:
    """A completed attendance: whose, from which organisation, what was taught, when."""

    person: uuid.UUID
    organisation_kind: str
    county: str
    catalogue_version: int
    held_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class PracticeRow:
    day: date
    catalogue_version: int
    vignette: str
    matched: str
    organisation_kind: str
    county: str
    count: int


def _by_person(completions: Iterable[Completion]) -> dict[uuid.UUID, list[Completion]]:
    people: dict[uuid.UUID, list[Completion]] = {}
    for completion in completions:
        people.setdefault(completion.person, []).append(completion)
    return people


def _latest(completions: Iterable[Completion]) -> Completion:
    return max(completions, key=lambda c: (c.held_on, c.recorded_at))


def trained_workers(completions: Iterable[Completion], period: Period) -> Counter[Key]:
    counted: Counter[Key] = Counter()
    held = (c for c in completions if period.holds(c.held_on))
    for own in _by_person(held).values():
        latest = _latest(own)
        versions = frozenset(c.catalogue_version for c in own)
        counted[(latest.organisation_kind, latest.county, versions)] += 1
    return counted


def retired_version_workers(
    completions: Iterable[Completion], statuses: Mapping[int, str], period: Period
) -> Counter[Key]:
    counted: Counter[Key] = Counter()
    for own in _by_person(completions).values():
        if not all(statuses.get(c.catalogue_version) == RETIRED for c in own):
            continue
        latest = _latest(own)
        if period.holds(latest.held_on):
            newest = max(c.catalogue_version for c in own)
            counted[(latest.organisation_kind, latest.county, newest)] += 1
    return counted


def screening_organisations(
    screened: Iterable[tuple[uuid.UUID, str | None, str | None]],
    trained_versions: Mapping[uuid.UUID, set[int]],
    current: int | None,
) -> Counter[Key]:
    """`screened`: each organisation that screened in the period, once, with its kind and
    county; `trained_versions`: the versions each organisation's members completed."""
    counted: Counter[Key] = Counter()
    for organisation_id, kind, county in screened:
        versions = trained_versions.get(organisation_id, set())
        if current is not None and current in versions:
            members = CURRENT_VERSION
        elif versions:
            members = OTHER_VERSION_ONLY
        else:
            members = NONE
        counted[(kind or UNKNOWN, county or UNKNOWN, members)] += 1
    return counted


def practice_screenings(rows: Iterable[PracticeRow], period: Period) -> Counter[Key]:
    counted: Counter[Key] = Counter()
    for row in rows:
        if period.holds(row.day):
            key = (row.catalogue_version, row.vignette, row.matched, row.organisation_kind)
            counted[(*key, row.county)] += row.count
    return counted
