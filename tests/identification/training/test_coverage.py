"""Training coverage as counts: each person once, under their latest organisation; who
needs a refresher; which screening organisations have trained members; practice."""

import uuid
from datetime import UTC, date, datetime

from identification_svc.training.coverage import (
    Completion,
    PracticeRow,
    practice_screenings,
    retired_version_workers,
    screening_organisations,
    trained_workers,
)
from shared.statistics import Period

ANA, ION, EXTERNAL = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def completion(
    person: uuid.UUID, version: int, held_on: date, kind: str = "police", county: str = "RO-IS"
) -> Completion:
    return Completion(person, kind, county, version, held_on, STAMP)


def test_a_worker_counts_once_under_the_latest_organisation_and_each_version() -> None:
    completions = [
        completion(ANA, 1, date(2026, 3, 1), kind="police"),
        completion(ANA, 2, date(2026, 9, 1), kind="ngo", county="RO-CJ"),
        completion(ION, 1, date(2026, 5, 1)),
        completion(EXTERNAL, 1, date(2026, 5, 1), kind="other"),
    ]
    assert trained_workers(completions, Period()) == {
        ("ngo", "RO-CJ", frozenset({1, 2})): 1,
        ("police", "RO-IS", frozenset({1})): 1,
        ("other", "RO-IS", frozenset({1})): 1,
    }
    assert trained_workers(completions, Period(last=date(2026, 4, 30))) == {
        ("police", "RO-IS", frozenset({1})): 1
    }


def test_workers_trained_only_on_retired_versions_need_a_refresher() -> None:
    statuses = {1: "retired", 2: "retired", 3: "published", 4: "draft"}
    completions = [
        completion(ANA, 1, date(2026, 1, 1)),
        completion(ANA, 2, date(2026, 2, 1), county="RO-CJ"),
        completion(ION, 1, date(2026, 1, 1)),
        completion(ION, 3, date(2026, 6, 1)),  # trained on the current one: up to date
        completion(EXTERNAL, 4, date(2026, 6, 1)),  # a draft taught: not retired
    ]
    assert retired_version_workers(completions, statuses, Period()) == {("police", "RO-CJ", 2): 1}
    assert retired_version_workers(completions, statuses, Period(first=date(2026, 3, 1))) == {}


def test_screening_organisations_by_whether_their_members_are_trained() -> None:
    trained, older, untrained, unknown = (uuid.uuid4() for _ in range(4))
    screened = [
        (trained, "police", "RO-IS"),
        (older, "ngo", "RO-IS"),
        (untrained, "police", "RO-IS"),
        (unknown, None, None),
    ]
    counted = screening_organisations(screened, {trained: {1, 2}, older: {1}}, current=2)
    assert counted == {
        ("police", "RO-IS", "current_version"): 1,
        ("ngo", "RO-IS", "other_version_only"): 1,
        ("police", "RO-IS", "none"): 1,
        ("unknown", "unknown", "none"): 1,
    }


def test_practice_counts_add_up_within_the_period() -> None:
    rows = [
        PracticeRow(date(2026, 1, 1), 1, "V1-01", "yes", "police", "RO-IS", 3),
        PracticeRow(date(2026, 1, 2), 1, "V1-01", "yes", "police", "RO-IS", 2),
        PracticeRow(date(2026, 2, 1), 1, "none", "none", "ngo", "RO-CJ", 1),
    ]
    assert practice_screenings(rows, Period(last=date(2026, 1, 31))) == {
        (1, "V1-01", "yes", "police", "RO-IS"): 5
    }
