"""Benchmark of case statistics: settling one pattern of suppression over every grouping of
the six dimensions (`shared.statistics`) for 1,000, 5,000 and 10,000 cases.

`python bench/bench_statistics.py` builds seeded random cases shaped like the mechanism's
(several years, a form or two each, mostly women and adults, the counties unevenly, the
statuses), times `Statistics` and prints, per size, the time to settle and how much of the
table by year and county is suppressed. It prints figures and never fails on a timing.
"""

import random
import sys
import time
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

if not __package__:
    # Run as a script from a checkout: make the project's packages importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.geo import COUNTIES
from shared.statistics import SUPPRESSED, Statistics, small

SIZES = (1_000, 5_000, 10_000)
SEED = 20261128
YEARS = tuple(range(2019, 2027))
FORMS = ("sexual", "labour", "begging", "criminal_activities", "domestic_servitude", "other")
GENDERS = {"female": 70, "male": 26, "other": 1, "unknown": 3}
STATUSES = {"potential": 20, "presumed": 35, "identified": 30, "not_identified": 5, "closed": 10}


def cases(rng: random.Random, size: int) -> Counter[tuple[Hashable, ...]]:
    counties = sorted(COUNTIES)
    weights = [rng.randint(1, 20) for _ in counties]
    counted: Counter[tuple[Hashable, ...]] = Counter()
    for _ in range(size):
        counted[
            (
                rng.choice(YEARS),
                frozenset(rng.sample(FORMS, rng.choices((1, 2), weights=(80, 20))[0])),
                rng.choices(list(GENDERS), weights=list(GENDERS.values()))[0],
                rng.random() < 0.25,
                rng.choices(counties, weights=weights)[0],
                rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0],
            )
        ] += 1
    return counted


def main() -> None:
    rng = random.Random(SEED)
    print(f"{'cases':>7} {'combinations':>13} {'settle s':>9} {'year×county hidden':>19}")
    for size in SIZES:
        counted = cases(rng, size)
        started = time.perf_counter()
        statistics = Statistics(counted)
        elapsed = time.perf_counter() - started
        table = statistics.table((0, 4))
        hidden = sum(1 for shown in table.cells.values() if shown in (small(), SUPPRESSED))
        share = f"{hidden}/{len(table.cells)}"
        print(f"{size:>7} {len(counted):>13} {elapsed:>9.2f} {share:>19}")


if __name__ == "__main__":
    main()
