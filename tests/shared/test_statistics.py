"""Publishing counts: "<5" for small cells, and complementary suppression so that no total a
reader can get — from this answer, or from any other grouping of the same statistics —
gives a suppressed count away by subtraction."""

import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import combinations, product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.statistics import SUPPRESSED, THRESHOLD, Period, Statistics, Table
from shared.statistics_api import settle

SMALL = "<5"
Key = tuple[Hashable, ...]


@st.composite
def statistics(draw: Any) -> dict[Key, int]:
    """Cases by one to three dimensions of up to four values each, many counts small."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    keys = list(product(*(range(size) for size in sizes)))
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, min_size=1))
    counts = st.one_of(st.integers(1, 4), st.integers(5, 12), st.integers(1, 60))
    return {key: draw(counts) for key in chosen}


def every_answer(cases: Mapping[Key, int]) -> dict[tuple[int, ...], Table]:
    """What a reader can ask for: the statistics grouped by each subset of the dimensions."""
    statistics = Statistics(cases)
    width = len(next(iter(cases)))
    return {
        dims: statistics.table(dims)
        for size in range(width + 1)
        for dims in combinations(range(width), size)
    }


def bounds(shown: object, cap: float) -> tuple[float, float]:
    """What a reader knows of a value from how it is shown (no cell exceeds `cap`)."""
    if isinstance(shown, int):
        return shown, shown
    return (1, THRESHOLD - 1) if shown == SMALL else (THRESHOLD, cap)


def pinned(total: object, parts: Sequence[object], cap: float) -> bool:
    """Whether total = sum(parts) leaves some hidden value (total or part) one possible
    value, given what the reader knows of each."""
    terms = [(1, *bounds(total, cap))] + [(-1, *bounds(part, cap)) for part in parts]
    for index, (sign, low, high) in enumerate(terms):
        if low == high:
            continue
        # 0 = sum of sign * value: this term is minus the sum of the others.
        others_min = sum(min(s * lo, s * hi) for i, (s, lo, hi) in enumerate(terms) if i != index)
        others_max = sum(max(s * lo, s * hi) for i, (s, lo, hi) in enumerate(terms) if i != index)
        least, most = sorted((-others_max * sign, -others_min * sign))
        if max(low, least) == min(high, most):
            return True
    return False


Dims = tuple[int, ...]


def relations(answers: dict[Dims, Table]) -> list[tuple[Dims, Dims, Key, list[Key]]]:
    """(finer grouping, coarser grouping, the total's key in it, the finer cells under it)."""
    found: list[tuple[Dims, Dims, Key, list[Key]]] = []
    for finer, table in answers.items():
        for size in range(len(finer)):
            for kept in combinations(range(len(finer)), size):
                coarser = tuple(finer[i] for i in kept)
                under: dict[Key, list[Key]] = {}
                for key in table.cells:
                    under.setdefault(tuple(key[i] for i in kept), []).append(key)
                for total_key, cells in under.items():
                    found.append((finer, coarser, total_key, cells))
    return found


def shown_of(table: Table, key: Key) -> object:
    return table.total if key == () else table.cells[key]


@given(statistics())
@settings(max_examples=300, deadline=None)
def test_every_count_is_shown_or_suppressed_and_small_ones_always_are(
    cases: dict[Key, int],
) -> None:
    table = Statistics(cases).table(tuple(range(len(next(iter(cases))))))
    assert set(table.cells) == set(cases)
    for key, count in cases.items():
        shown = table.cells[key]
        assert shown == SMALL if count < THRESHOLD else shown in (count, SUPPRESSED)
    total = sum(cases.values())
    assert table.total in ((total, SUPPRESSED) if total >= THRESHOLD else (SMALL,))


@given(statistics())
@settings(max_examples=300, deadline=None)
def test_no_pair_of_answers_gives_a_suppressed_count_away(cases: dict[Key, int]) -> None:
    """Any cell of a coarser grouping is the total of cells of a finer one. Subtracting,
    with what "<5" and "suppressed" tell, pins no hidden value where anything in the group
    is published (when all of it is hidden, there is nothing to subtract)."""
    answers = every_answer(cases)
    everyone = answers[()].total
    # No value exceeds the number of cases, which a reader knows only if it is shown.
    cap = (
        everyone if isinstance(everyone, int) else THRESHOLD - 1 if everyone == SMALL else math.inf
    )
    for finer, coarser, key, cells in relations(answers):
        total = shown_of(answers[coarser], key)
        parts = [answers[finer].cells[c] for c in cells]
        if any(isinstance(value, int) for value in (total, *parts)):
            assert not pinned(total, parts, cap), (finer, coarser, key, answers)


@given(statistics())
@settings(max_examples=100, deadline=None)
def test_every_grouping_reads_one_pattern_whatever_the_order_of_the_data(
    cases: dict[Key, int],
) -> None:
    width = len(next(iter(cases)))
    dims = tuple(range(width))
    answers = every_answer(cases)
    assert len({table.total for table in answers.values()}) == 1
    reordered = dict(reversed(list(cases.items())))
    assert Statistics(reordered).table(dims) == Statistics(cases).table(dims)


def test_a_table_without_small_cells_is_published_whole() -> None:
    cases: dict[Key, int] = {(2025, "female"): 12, (2025, "male"): 7, (2026, "female"): 5}
    assert Statistics(cases).table((0, 1)) == Table(dict(sorted(cases.items())), 24)
    assert Statistics(cases).table((0,)) == Table({(2025,): 19, (2026,): 5}, 24)


def test_one_small_cell_hides_the_next_smallest_of_its_group_too() -> None:
    table = Statistics({("female",): 9, ("male",): 2, ("other",): 6}).table((0,))
    assert table.cells == {("female",): 9, ("male",): SMALL, ("other",): SUPPRESSED}
    assert table.total == 17


def test_two_small_cells_that_must_both_be_one_do_not_stand_alone() -> None:
    # 22 - 20 = 2 = 1 + 1: the total would show that both "<5" cells hold exactly one.
    table = Statistics({("RO-IS",): 20, ("RO-CJ",): 1, ("RO-B",): 1, ("RO-TM",): 6}).table((0,))
    assert table.cells[("RO-TM",)] == SUPPRESSED
    assert table.cells[("RO-IS",)] == 20


def test_with_no_case_every_grouping_of_the_named_dimensions_is_empty() -> None:
    statistics = Statistics({}, width=3)
    assert statistics.table((1,)) == Table({}, SMALL)
    assert statistics.table((0, 2)) == Table({}, SMALL)
    with pytest.raises(ValueError, match="by index"):
        statistics.table((3,))


def test_a_width_other_than_the_cases_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per dimension"):
        Statistics({("female",): 4}, width=2)


def test_the_total_is_suppressed_when_every_cell_under_it_is_small() -> None:
    # Two "<5" in 8 cases: both must be 4.
    assert Statistics({("female",): 4, ("male",): 4}).table((0,)) == Table(
        {("female",): SMALL, ("male",): SMALL}, SUPPRESSED
    )
    assert Statistics({("female",): 4, ("male",): 4}).table(()) == Table(
        {(): SUPPRESSED}, SUPPRESSED
    )


def test_no_grouping_shows_what_another_hides() -> None:
    # By gender, male's 2 needs female's 13 hidden; by year and gender each year is one
    # cell, and the year totals would show them: the years hide too.
    cases: dict[Key, int] = {(2026, "female"): 7, (2025, "female"): 6, (2024, "male"): 2}
    by_gender = Statistics(cases).table((1,))
    assert by_gender.cells == {("female",): SUPPRESSED, ("male",): SMALL}
    by_both = Statistics(cases).table((0, 1))
    by_year = Statistics(cases).table((0,))
    female = [by_both.cells[(2025, "female")], by_both.cells[(2026, "female")]]
    years = [by_year.cells[(2025,)], by_year.cells[(2026,)]]
    assert SUPPRESSED in female
    assert SUPPRESSED in years
    assert by_both.total == by_year.total == by_gender.total == 15


def test_one_small_cell_of_a_two_by_two_table_hides_the_whole_table() -> None:
    # With each year's and each gender's total known, a published cell gives all away.
    cases: dict[Key, int] = {
        (2026, "female"): 7,
        (2026, "male"): 2,
        (2025, "female"): 6,
        (2025, "male"): 9,
    }
    assert set(Statistics(cases).table((0, 1)).cells.values()) == {SMALL, SUPPRESSED}


def test_a_total_under_five_is_itself_small() -> None:
    assert Statistics({("female",): 2, ("male",): 1}).table((0,)).total == SMALL
    assert Statistics({}).table(()) == Table({}, SMALL)


def test_a_case_of_several_values_counts_under_each_and_once_in_the_total() -> None:
    cases: dict[Key, int] = {(frozenset({"labour", "sexual"}),): 6, (frozenset({"labour"}),): 5}
    table = Statistics(cases).table((0,))
    assert table.cells == {("labour",): 11, ("sexual",): 6}
    assert table.total == 11


def test_cells_are_ordered_by_their_values_never_by_their_counts() -> None:
    table = Statistics({("b",): 5, ("c",): 9, ("a",): 7, (None,): 8}).table((0,))
    assert list(table.cells) == [(None,), ("a",), ("b",), ("c",)]


@pytest.mark.parametrize(
    ("cases", "group_by", "message"),
    [
        ({("a",): 1, ("a", "b"): 2}, (0,), "one value per dimension"),
        ({("a",): 0}, (0,), "at least one case"),
        ({("a",): -3}, (0,), "at least one case"),
        ({(frozenset(),): 2}, (0,), "at least one value"),
        ({("a", "b"): 2}, (1, 0), "ascending"),
        ({("a", "b"): 2}, (0, 0), "each once"),
        ({("a", "b"): 2}, (2,), "by index"),
    ],
)
def test_malformed_counts_are_refused(
    cases: dict[Key, int], group_by: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Statistics(cases).table(group_by)


def test_a_period_holds_its_days_both_included_and_spans_them_in_utc() -> None:
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert [period.holds(date(2026, 1, d)) for d in (1, 31)] == [True, True]
    assert period.holds(date(2025, 12, 31)) is period.holds(date(2026, 2, 1)) is False
    assert period.moments() == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert Period().moments() == (None, None)
    assert Period().holds(date(1, 1, 1))


async def test_a_large_caseload_settles_in_a_worker_process_to_the_same_tables() -> None:
    """Past `SETTLED_IN_PROCESS_UP_TO` combinations the settling runs in another process
    (the limit is lowered here): it sends back the same published tables as a settling
    made in the part's own process, and a worker can settle again."""
    cases: dict[Key, int] = {
        (year, frozenset({form}), county): (year + len(form) * 3 + len(county)) % 9 + 1
        for year in (2024, 2025, 2026)
        for form in ("sexual", "labour", "begging")
        for county in ("RO-IS", "RO-CJ", "RO-B", "RO-TM")
    }
    here = await settle(cases, width=3)
    for _ in range(2):
        there = await settle(cases, width=3, in_process_up_to=0)
        for dims in [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]:
            assert there.table(dims) == here.table(dims)
    assert SMALL in here.table((0, 1, 2)).cells.values()
