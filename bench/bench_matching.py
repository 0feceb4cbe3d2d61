"""Benchmark of provider matching on directories of 1,000, 10,000 and 20,000 providers.

`python bench/bench_matching.py` builds a seeded random directory shaped like the real one
(mostly county providers, some regional, a few national; kinds with their usual services),
times matching with the answer encoded as JSON for a set of varied cases, every exclusion
listed (`all`) and as the endpoint answers by default (`nearby`), both by `match` (every
rule run for every provider) and by the indexed `Directory` the service keeps (its build
time printed once per size), and prints the median and 99th percentile, the matches and
the answer's size per directory size. It prints figures and never fails on a timing.
"""

import functools
import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if not __package__:
    # Run as a script from a checkout: make the project's packages importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collections.abc import Callable

from referral_svc.providers.matching import (
    CaseForMatching,
    Directory,
    Listed,
    MatchResult,
    ProviderFacts,
    match,
)
from referral_svc.providers.regions import REGION_COUNTIES
from shared.geo import COUNTIES

SIZES = (1_000, 10_000, 20_000)
LISTED: tuple[Listed, ...] = ("all", "nearby")
RUNS = 200
SEED = 20240601
TODAY = date(2025, 3, 1)

FORMS = ("sexual", "labour", "begging", "forced_criminality", "forced_marriage", "servitude")
LANGUAGES = ("en", "hu", "rom", "uk", "ru", "fr", "it", "es", "de", "ar")
KIND_SERVICES = {
    "ngo": (
        "shelter",
        "psychological",
        "legal",
        "material",
        "vocational",
        "family_mediation",
        "interpretation",
    ),
    "social_services": ("material", "psychological", "family_mediation", "vocational"),
    "child_protection": (
        "child_protection",
        "shelter",
        "secure_shelter",
        "psychological",
        "education",
        "medical",
    ),
    "agency_regional_centre": ("psychological", "legal", "material", "repatriation"),
    "medical": ("medical", "psychological"),
    "legal_aid": ("legal", "interpretation"),
    "international_org": ("repatriation", "material", "legal", "interpretation"),
}
KIND_WEIGHTS = {
    "ngo": 40,
    "social_services": 20,
    "child_protection": 8,
    "agency_regional_centre": 2,
    "medical": 15,
    "legal_aid": 12,
    "international_org": 3,
}
NEEDS = (
    ("shelter", "psychological"),
    ("secure_shelter",),
    ("medical",),
    ("legal", "interpretation"),
    ("shelter", "medical", "psychological"),
    ("child_protection", "shelter"),
    ("material", "vocational"),
)


def generated_provider(rng: random.Random, index: int) -> ProviderFacts:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    offered = KIND_SERVICES[kind]
    services = frozenset(rng.sample(offered, rng.randint(1, len(offered))))
    if kind == "child_protection":
        services |= {"child_protection"}
    coverage = rng.random()
    national = coverage < 0.05
    if national:
        counties: frozenset[str] = frozenset()
    elif coverage < 0.17:
        counties = rng.choice(list(REGION_COUNTIES.values()))
    elif coverage < 0.20:
        counties = frozenset(rng.sample(list(COUNTIES), rng.randint(2, 6)))
    else:
        counties = frozenset({rng.choice(list(COUNTIES))})
    accreditation = rng.random()
    valid_until = (
        None
        if accreditation < 0.04
        else TODAY + timedelta(days=rng.randint(-200, 900) if accreditation < 0.10 else 400)
    )
    genders = rng.choices(
        (frozenset(), frozenset({"female"}), frozenset({"male"})), weights=(75, 20, 5)
    )[0]
    return ProviderFacts(
        id=f"p{index:06d}",
        name=f"Provider {index}",
        kind=kind,
        services=services,
        counties=counties,
        national=national,
        accepts_adults=kind != "child_protection",
        accepts_children=kind == "child_protection" or rng.random() < 0.3,
        genders=genders,
        languages=frozenset({"ro", *rng.sample(LANGUAGES, rng.randint(0, 3))}),
        free_capacity={
            s: rng.choice((0, 0, 1, 2, 3, 5, 8, 12, 20))
            for s in sorted(services & {"shelter", "secure_shelter"})
        },
        accreditation_valid_until=valid_until,
        active=rng.random() < 0.95,
        specialisations=frozenset(rng.sample(FORMS, rng.randint(0, 3))),
        median_response_hours=None if rng.random() < 0.2 else rng.lognormvariate(3, 1),
    )


def _case(rng: random.Random) -> tuple[CaseForMatching, tuple[str, ...]]:
    is_child = rng.random() < 0.3
    needs = rng.choice(NEEDS)
    if is_child and "child_protection" not in needs:
        needs = ("child_protection", *needs)
    case = CaseForMatching(
        is_child=is_child,
        gender=rng.choice(("female", "female", "male", None)),
        county=rng.choice(list(COUNTIES)),
        languages=frozenset(rng.sample(("ro", *LANGUAGES), rng.randint(1, 2))),
        exploitation_forms=frozenset(rng.sample(FORMS, rng.randint(1, 2))),
        exploiters_county=rng.choice((None, *COUNTIES)),
        safety_level=rng.choice(("low", "medium", "high")),
    )
    return case, needs


def _percentile_ms(samples_ns: list[int], fraction: float) -> float:
    ordered = sorted(samples_ns)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1e6


Matcher = Callable[[CaseForMatching, tuple[str, ...], Listed], MatchResult]


def _by_match(
    providers: list[ProviderFacts], case: CaseForMatching, needs: tuple[str, ...], listed: Listed
) -> MatchResult:
    return match(case, needs, providers, today=TODAY, listed=listed)


def _by_index(
    directory: Directory, case: CaseForMatching, needs: tuple[str, ...], listed: Listed
) -> MatchResult:
    return directory.match(case, needs, today=TODAY, listed=listed)


def _timed(
    cases: list[tuple[CaseForMatching, tuple[str, ...]]], matcher: Matcher, listed: Listed
) -> tuple[list[int], float, float]:
    """Each case's time to match and encode the answer, the mean matches and answer kB."""
    timings: list[int] = []
    found = size = 0
    for case, needs in cases:
        started = time.perf_counter_ns()
        result = matcher(case, needs, listed)
        answer = json.dumps(result.to_dict())
        timings.append(time.perf_counter_ns() - started)
        found += len(result.matches)
        size += len(answer)
    return timings, found / len(cases), size / len(cases) / 1000


def main() -> None:
    rng = random.Random(SEED)
    directory = [generated_provider(rng, i) for i in range(max(SIZES))]
    cases = [_case(rng) for _ in range(RUNS)]
    print(f"match() and its answer encoded: {RUNS} varied cases per size, one core")
    print(
        f"{'providers':>10} {'by':>9} {'listed':>7} {'median ms':>10} {'p99 ms':>8}"
        f" {'matches':>8} {'kB':>7}"
    )
    for size in SIZES:
        providers = directory[:size]
        started = time.perf_counter()
        indexed = Directory(providers)
        print(f"{size:>10,} index built in {(time.perf_counter() - started) * 1000:.1f} ms")
        matchers: dict[str, Matcher] = {
            "match": functools.partial(_by_match, providers),
            "Directory": functools.partial(_by_index, indexed),
        }
        for by, matcher in matchers.items():
            for listed in LISTED:
                _timed(cases[:10], matcher, listed)  # warm-up
                timings, matches, kilobytes = _timed(cases, matcher, listed)
                median = statistics.median(timings) / 1e6
                p99 = _percentile_ms(timings, 0.99)
                print(
                    f"{size:>10,} {by:>9} {listed:>7} {median:>10.2f} {p99:>8.2f}"
                    f" {matches:>8.1f} {kilobytes:>7.1f}"
                )


if __name__ == "__main__":
    main()
