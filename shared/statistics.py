"""De-identified counts for statistics: small cells suppressed, and no total left to give a
suppressed count away (access.md, Statistics). Pure: no framework, no database. A part
that publishes statistics counts its cases by every dimension it offers, builds
`Statistics` of the counts and reads the table of the dimensions a caller grouped by;
docs/decisions.md says why the rule is what it is, and where it stops.

The input maps each combination of values (one per offered dimension, always in the same
order) to the number of cases that have it. On a dimension where a case may have several
values (the suspected forms of exploitation) the combination holds a frozenset: the case
counts once under each of its values. The values of a dimension are of one type (or
None): ties are broken by the values, so the same data is always published the same way.

A published cell shows its count, or

- `"<5"` (below `threshold`): primary suppression of a small count;
- `"suppressed"`: a count of 5 or more hidden so that no small count can be worked out
  (complementary suppression).

What a reader can subtract. A caller may group by any of the offered dimensions, so every
cell of every grouping is published, and each cell of a coarser grouping is the total of
a group of cells of a finer one (a grouping by none has the total number of cases). A
total and the cells under it make one equation: published values subtracted, the hidden
ones are left with a known sum, and a reader who knows that a "<5" value is 1 to 4 and a
"suppressed" one at least 5 recovers any hidden value the sum leaves one possibility (a
single hidden cell; or two "<5" cells adding up to 8: both are 4). Such a group is
*exposed*.

So one pattern of suppression is settled for all the groupings at once, and each answer is
read from it: every count under 5 is hidden; then, while a group is exposed, the smallest
published value in it — one of its cells, or its total — is hidden too. The pattern does
not depend on which grouping is asked for, so no pair of answers gives away a hidden value
through a group: every group with a published value in it is left unexposed.
"""

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, product
from typing import Final, Literal

THRESHOLD: Final = 5
SUPPRESSED: Final = "suppressed"

Key = tuple[Hashable, ...]
Shown = int | str
Hidden = Literal["primary", "complementary"]
Dims = tuple[int, ...]


@dataclass(frozen=True)
class Period:
    """The days a statistic counts, both included; None leaves that end open."""

    first: date | None = None
    last: date | None = None

    def holds(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)

    def moments(self) -> tuple[datetime | None, datetime | None]:
        """The period in UTC: from the start of its first day, and before the start of the
        day after its last."""
        return _start_of(self.first), _start_of(
            self.last + timedelta(days=1) if self.last else None
        )


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=UTC)


def small(threshold: int = THRESHOLD) -> str:
    """How a count below the threshold is shown: `"<5"`."""
    return f"<{threshold}"


@dataclass(frozen=True)
class Table:
    """Statistics as published: each cell's count or marker, keyed by its values (one per
    dimension, ordered by them), and the number of cases."""

    cells: dict[Key, Shown]
    total: Shown


Entry = tuple[Dims, Key]  # a cell of a grouping: the grouping's dimensions, its values


class Statistics:
    """Every grouping of the same cases, each read from one pattern of suppression.

    `cases` maps each combination of values of the offered dimensions to its number of
    cases; settling the pattern takes time (every grouping is counted), so ask one
    `Statistics` for several tables of the same cases."""

    def __init__(self, cases: Mapping[Key, int], *, threshold: int = THRESHOLD) -> None:
        widths = {len(key) for key in cases}
        if len(widths) > 1:
            raise ValueError("every combination needs one value per dimension")
        if any(count < 1 for count in cases.values()):
            raise ValueError("a combination counts at least one case; leave empty ones out")
        if any(value == frozenset() for key in cases for value in key):
            raise ValueError("a case has at least one value on every dimension")
        self.width = widths.pop() if widths else 0
        self.threshold = threshold
        self.counts = {
            dims: _count(cases, dims)
            for size in range(self.width + 1)
            for dims in combinations(range(self.width), size)
        }
        self.hidden = _Pattern(self.counts, threshold).settle()

    def table(self, group_by: Sequence[int]) -> Table:
        """The grouping by the dimensions at `group_by` (ascending indices)."""
        asked = tuple(group_by)
        if list(asked) != sorted(set(asked)) or not set(asked) <= set(range(self.width)):
            raise ValueError("group by dimensions named by index, each once, in ascending order")
        marker = {"primary": small(self.threshold), "complementary": SUPPRESSED}
        cells: dict[Key, Shown] = {
            key: marker[self.hidden[(asked, key)]] if (asked, key) in self.hidden else count
            for key, count in self.counts[asked].items()
        }
        total = self.counts[()].get((), 0)
        how = self.hidden.get(((), ()))
        shown_total: Shown = total if total >= self.threshold else small(self.threshold)
        return Table(cells, marker[how] if how else shown_total)


def _count(cases: Mapping[Key, int], dims: Dims) -> dict[Key, int]:
    """Cases by their values on `dims`, ordered by those values; a case counts once under
    each of several values."""
    counted: dict[Key, int] = defaultdict(int)
    for key, count in cases.items():
        for values in product(*(_each(key[d]) for d in dims)):
            counted[values] += count
    return {key: counted[key] for key in sorted(counted, key=_in_order)}


def _each(value: Hashable) -> Iterable[Hashable]:
    return value if isinstance(value, frozenset) else (value,)


def _in_order(key: Key) -> tuple[tuple[str, Hashable], ...]:
    # By type first: a dimension may mix its values with None (unknown).
    return tuple((type(value).__name__, value) for value in key)


class _Group:
    """The cells of one grouping under one cell of a coarser grouping (their total), and
    what a reader can tell of them so far: the sum of the published cells, and how many
    are hidden "<5" and "suppressed"."""

    __slots__ = ("cells", "large", "next_spare", "published", "small", "total")

    def __init__(self, total: Entry, cells: list[Entry], published: int) -> None:
        self.total = total
        self.cells = cells  # smallest first (`_Pattern.rank`)
        self.published = published
        self.small = 0
        self.large = 0
        self.next_spare = 0  # cells before it are hidden


class _Pattern:
    """One pattern of suppression for every grouping of the same cases."""

    def __init__(self, counts: Mapping[Dims, dict[Key, int]], threshold: int) -> None:
        self.threshold = threshold
        self.value = {(dims, key): n for dims, cells in counts.items() for key, n in cells.items()}
        self.hidden: dict[Entry, Hidden] = {}
        # Smallest first; of equal values the finer grouping's (a lone cell before its total).
        order = sorted(self.value, key=lambda e: (self.value[e], -len(e[0]), e[0], _in_order(e[1])))
        self.rank = {entry: index for index, entry in enumerate(order)}
        self.groups = list(self._groups(counts))
        self.cell_of: dict[Entry, list[_Group]] = defaultdict(list)
        self.total_of: dict[Entry, list[_Group]] = defaultdict(list)
        for group in self.groups:
            self.total_of[group.total].append(group)
            for cell in group.cells:
                self.cell_of[cell].append(group)

    def _groups(self, counts: Mapping[Dims, dict[Key, int]]) -> Iterator[_Group]:
        """Each grouping's cells under each cell of every coarser grouping, where that cell
        is their sum: under a case of several values the cells add up to more than the
        total, which leaves a reader nothing to subtract from. A group whose total is under
        the threshold is left out: all of it is "<5" from the start."""
        for dims, cells in counts.items():
            by_rank = sorted(cells, key=lambda key: self.rank[(dims, key)])
            for size in range(len(dims)):
                for kept in combinations(range(len(dims)), size):
                    coarser = tuple(dims[i] for i in kept)
                    totals = counts[coarser]
                    under: dict[Key, list[Key]] = defaultdict(list)
                    for key in by_rank:
                        under[tuple([key[i] for i in kept])].append(key)
                    for total_key, members in under.items():
                        total = totals[total_key]
                        if total < self.threshold:
                            continue
                        held = sum(cells[k] for k in members)
                        if held == total:
                            yield _Group((coarser, total_key), [(dims, k) for k in members], held)

    def settle(self) -> dict[Entry, Hidden]:
        """Hide the small counts, then the smallest published value of each exposed group
        until none is left exposed; answers what is hidden, and how."""
        for entry, count in self.value.items():
            if count < self.threshold:
                self._hide(entry, "primary")
        pending = list(reversed(self.groups))
        while pending:
            group = pending.pop()
            if not self._exposed(group):
                continue
            spare = self._smallest_published(group)
            if spare is not None:
                self._hide(spare, "complementary")
                pending.extend(self.cell_of[spare])
                pending.extend(self.total_of[spare])
        return self.hidden

    def _hide(self, entry: Entry, how: Hidden) -> None:
        self.hidden[entry] = how
        for group in self.cell_of[entry]:
            group.published -= self.value[entry]
            if how == "primary":
                group.small += 1
            else:
                group.large += 1

    def _smallest_published(self, group: _Group) -> Entry | None:
        while group.next_spare < len(group.cells) and group.cells[group.next_spare] in self.hidden:
            group.next_spare += 1
        cell = group.cells[group.next_spare] if group.next_spare < len(group.cells) else None
        total = group.total if group.total not in self.hidden else None
        found = [entry for entry in (cell, total) if entry is not None]
        return min(found, key=self.rank.__getitem__) if found else None

    def _bounds(self, how: Hidden) -> tuple[float, float]:
        """What a reader knows of a hidden count from its marker."""
        return (1, self.threshold - 1) if how == "primary" else (self.threshold, math.inf)

    def _exposed(self, group: _Group) -> bool:
        """Whether total = sum of cells leaves some hidden value one possibility, to a
        reader who knows that a "<5" value is 1 to 4 and a "suppressed" one at least 5."""
        t = self.threshold
        hidden_cells = group.small + group.large
        least = group.small + group.large * t
        most = math.inf if group.large else group.small * (t - 1)
        total_how = self.hidden.get(group.total)
        if total_how is None:
            # The hidden cells hold what the total leaves: one alone, or all at an end.
            left = self.value[group.total] - group.published
            return hidden_cells > 0 and (hidden_cells == 1 or left in (least, most))
        if hidden_cells == 0:
            return True  # the total is the sum of the published cells
        low, high = self._bounds(total_how)
        published = group.published
        if max(low, published + least) >= min(high, published + most):
            return True
        # A hidden cell holds the total less the published cells and the other hidden ones.
        kinds: tuple[tuple[Hidden, int], ...] = (
            ("primary", group.small),
            ("complementary", group.large),
        )
        for how, present in kinds:
            if not present:
                continue
            cell_low, cell_high = self._bounds(how)
            other_large = group.large - (how == "complementary")
            other_small = group.small - (how == "primary")
            others_most = math.inf if other_large else other_small * (t - 1)
            others_least = least - cell_low
            if max(cell_low, low - published - others_most) >= min(
                cell_high, high - published - others_least
            ):
                return True
        return False
