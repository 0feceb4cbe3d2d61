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
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, product
from operator import itemgetter
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


class Statistics:
    """Every grouping of the same cases, each read from one pattern of suppression.

    `cases` maps each combination of values of the offered dimensions to its number of
    cases; settling the pattern takes time (every grouping is counted), so ask one
    `Statistics` for several tables of the same cases.

    Inside, each dimension's values are numbered in their published order, so keys are
    tuples of small integers (cheap to hash, to compare and to sort), and every published
    value — a cell of a grouping, or a total — is numbered by its rank in the order the
    pattern hides them."""

    def __init__(
        self, cases: Mapping[Key, int], *, width: int | None = None, threshold: int = THRESHOLD
    ) -> None:
        """`width`, the number of dimensions, may be left out when `cases` has any."""
        widths = {len(key) for key in cases} | ({width} if width is not None else set())
        if len(widths) > 1:
            raise ValueError("every combination needs one value per dimension")
        if any(count < 1 for count in cases.values()):
            raise ValueError("a combination counts at least one case; leave empty ones out")
        if any(value == frozenset() for key in cases for value in key):
            raise ValueError("a case has at least one value on every dimension")
        self.width = widths.pop() if widths else 0
        self.threshold = threshold
        self._values, encoded, several = _encode(cases, self.width)
        counts = _count_every_grouping(encoded, self.width, several)
        pattern = _Pattern(counts, threshold)
        pattern.settle()
        # Only what is published is kept, each cell's count or marker: a few megabytes at
        # national size where the pattern's workings were tens, and what a settling made
        # in another process sends back (`shared.statistics_api.settle`).
        marker = {"primary": small(threshold), "complementary": SUPPRESSED}
        self._shown: dict[Dims, dict[CodedKey, Shown]] = {}
        for dims, cells in counts.items():
            shown: dict[CodedKey, Shown] = {}
            for key, count in cells.items():
                how = pattern.how((dims, key))
                shown[key] = marker[how] if how else count
            self._shown[dims] = shown
        total = counts[()].get((), 0)
        how = pattern.how(((), ()))
        self._total: Shown = (
            marker[how] if how else total if total >= threshold else small(threshold)
        )

    def table(self, group_by: Sequence[int]) -> Table:
        """The grouping by the dimensions at `group_by` (ascending indices)."""
        asked = tuple(group_by)
        if list(asked) != sorted(set(asked)) or not set(asked) <= set(range(self.width)):
            raise ValueError("group by dimensions named by index, each once, in ascending order")
        names = [self._values[d] for d in asked]
        cells = {
            tuple(names[i][code] for i, code in enumerate(key)): shown
            for key, shown in self._shown[asked].items()
        }
        return Table(cells, self._total)


Code = int
CodedKey = tuple[Code, ...]


def _encode(
    cases: Mapping[Key, int], width: int
) -> tuple[list[list[Hashable]], dict[tuple[Code | tuple[Code, ...], ...], int], frozenset[int]]:
    """Each dimension's values numbered in their published order (by type first, as a
    dimension may mix its values with None), the cases with numbers for values (a set of
    values a tuple of numbers), and which dimensions have sets."""
    seen: list[set[Hashable]] = [set() for _ in range(width)]
    several: set[int] = set()
    for key in cases:
        for d, value in enumerate(key):
            if isinstance(value, frozenset):
                several.add(d)
                seen[d].update(value)
            else:
                seen[d].add(value)
    values = [sorted(found, key=_in_order) for found in seen]
    number = [{value: code for code, value in enumerate(ordered)} for ordered in values]
    encoded: dict[tuple[Code | tuple[Code, ...], ...], int] = defaultdict(int)
    for key, count in cases.items():
        coded = tuple(
            tuple(sorted(number[d][v] for v in value))
            if isinstance(value, frozenset)
            else number[d][value]
            for d, value in enumerate(key)
        )
        encoded[coded] += count
    return values, encoded, frozenset(several)


def _count_every_grouping(
    cases: Mapping[tuple[Code | tuple[Code, ...], ...], int], width: int, several: frozenset[int]
) -> dict[Dims, dict[CodedKey, int]]:
    """The cases counted by every grouping of the dimensions, each grouping's cells in
    order of their values. A case counts once under each of several values of a dimension
    grouped by, and once when that dimension is not grouped by: so the groupings that keep
    the same of those dimensions are counted from one table of the cases spread over them,
    each from a finer one by adding up over one dimension."""
    counts: dict[Dims, dict[CodedKey, int]] = {}
    single = [d for d in range(width) if d not in several]
    for size in range(len(several) + 1):
        for spread in combinations(sorted(several), size):
            finest = tuple(sorted((*spread, *single)))
            table: dict[CodedKey, int] = defaultdict(int)
            for key, count in cases.items():
                for values in product(*_choices(key, finest, spread)):
                    table[values] += count
            counts[finest] = table
            for coarser_size in range(len(finest) - 1, len(spread) - 1, -1):
                for dims in combinations(finest, coarser_size):
                    if not set(spread) <= set(dims):
                        continue
                    added = next(d for d in single if d not in dims)
                    finer = tuple(sorted((*dims, added)))
                    counts[dims] = _add_up(counts[finer], finer.index(added))
    # Coarsest first: the order the groups are first looked at, which the pattern follows.
    return {
        dims: dict(sorted(counts[dims].items()))
        for size in range(width + 1)
        for dims in combinations(range(width), size)
    }


def _choices(
    key: tuple[Code | tuple[Code, ...], ...], dims: Dims, spread: tuple[int, ...]
) -> list[tuple[Code, ...]]:
    return [key[d] if d in spread else (key[d],) for d in dims]  # type: ignore[misc]


def _add_up(cells: Mapping[CodedKey, int], position: int) -> dict[CodedKey, int]:
    """`cells` added up over the dimension at `position` of their keys."""
    added: dict[CodedKey, int] = defaultdict(int)
    for key, count in cells.items():
        added[key[:position] + key[position + 1 :]] += count
    return added


def _in_order(value: Hashable) -> tuple[str, Hashable]:
    # By type first: a dimension may mix its values with None (unknown).
    return (type(value).__name__, value)


# A cell of a grouping: the grouping's dimensions, its values (numbered).
Entry = tuple[Dims, CodedKey]
_PRIMARY, _COMPLEMENTARY = 1, 2
_HOW: dict[int, Hidden] = {_PRIMARY: "primary", _COMPLEMENTARY: "complementary"}


class _Group:
    """The cells of one grouping under one cell of a coarser grouping (their total), and
    what a reader can tell of them so far: the sum of the published cells, and how many
    are hidden "<5" and "suppressed". Cells and total are ranks (`_Pattern`)."""

    __slots__ = ("cells", "large", "next_spare", "published", "small", "total")

    def __init__(self, total: int, cells: list[int], published: int) -> None:
        self.total = total
        self.cells = cells  # smallest first
        self.published = published
        self.small = 0
        self.large = 0
        self.next_spare = 0  # cells before it are hidden


class _Pattern:
    """One pattern of suppression for every grouping of the same cases.

    Every published value is known by its rank: smallest first, and of equal values the
    finer grouping's first (a lone cell before its total), then by grouping and values —
    the order in which the smallest of a group is the first to hide."""

    def __init__(self, counts: Mapping[Dims, dict[CodedKey, int]], threshold: int) -> None:
        self.threshold = threshold
        entries = [(dims, key) for dims, cells in counts.items() for key in cells]
        values = [counts[dims][key] for dims, key in entries]
        order = sorted(
            range(len(entries)),
            key=lambda i: (values[i], -len(entries[i][0]), entries[i][0], entries[i][1]),
        )
        self.entries = [entries[i] for i in order]
        self.value = [values[i] for i in order]
        self.rank = {entry: rank for rank, entry in enumerate(self.entries)}
        self.hidden = bytearray(len(self.entries))
        self.cell_of: list[list[_Group]] = [[] for _ in self.entries]
        self.total_of: list[list[_Group]] = [[] for _ in self.entries]
        self.groups = list(self._groups(counts))
        for group in self.groups:
            self.total_of[group.total].append(group)
            for cell in group.cells:
                self.cell_of[cell].append(group)

    def how(self, entry: Entry) -> Hidden | None:
        """How `entry` is hidden, if it is (a grouping of no cases has no total)."""
        rank = self.rank.get(entry)
        code = self.hidden[rank] if rank is not None else 0
        return _HOW[code] if code else None

    def _groups(self, counts: Mapping[Dims, dict[CodedKey, int]]) -> Iterator[_Group]:
        """Each grouping's cells under each cell of every coarser grouping, where that cell
        is their sum: under a case of several values the cells add up to more than the
        total, which leaves a reader nothing to subtract from. A group whose total is under
        the threshold is left out: all of it is "<5" from the start."""
        rank, value, threshold = self.rank, self.value, self.threshold
        for dims, cells in counts.items():
            ranked = sorted(rank[(dims, key)] for key in cells)
            keys = [self.entries[r][1] for r in ranked]
            for size in range(len(dims)):
                for kept in combinations(range(len(dims)), size):
                    coarser = tuple(dims[i] for i in kept)
                    under: dict[CodedKey, list[int]] = defaultdict(list)
                    for total_key, cell in zip(_projected(keys, kept), ranked, strict=True):
                        under[total_key].append(cell)
                    for total_key, members in under.items():
                        total = rank[(coarser, total_key)]
                        if value[total] < threshold:
                            continue
                        held = sum(map(value.__getitem__, members))
                        if held == value[total]:
                            yield _Group(total, members, held)

    def settle(self) -> None:
        """Hide the small counts, then the smallest published value of each exposed group
        until none is left exposed."""
        for entry, count in enumerate(self.value):
            if count < self.threshold:
                self._hide(entry, _PRIMARY)
        pending = list(reversed(self.groups))
        while pending:
            group = pending.pop()
            if not self._exposed(group):
                continue
            spare = self._smallest_published(group)
            if spare is not None:
                self._hide(spare, _COMPLEMENTARY)
                pending.extend(self.cell_of[spare])
                pending.extend(self.total_of[spare])

    def _hide(self, entry: int, how: int) -> None:
        self.hidden[entry] = how
        count = self.value[entry]
        for group in self.cell_of[entry]:
            group.published -= count
            if how == _PRIMARY:
                group.small += 1
            else:
                group.large += 1

    def _smallest_published(self, group: _Group) -> int | None:
        hidden, cells = self.hidden, group.cells
        while group.next_spare < len(cells) and hidden[cells[group.next_spare]]:
            group.next_spare += 1
        cell = cells[group.next_spare] if group.next_spare < len(cells) else None
        total = group.total if not hidden[group.total] else None
        if cell is None:
            return total
        return cell if total is None else min(cell, total)

    def _bounds(self, how: int) -> tuple[float, float]:
        """What a reader knows of a hidden count from its marker."""
        return (1, self.threshold - 1) if how == _PRIMARY else (self.threshold, math.inf)

    def _exposed(self, group: _Group) -> bool:
        """Whether total = sum of cells leaves some hidden value one possibility, to a
        reader who knows that a "<5" value is 1 to 4 and a "suppressed" one at least 5."""
        t = self.threshold
        hidden_cells = group.small + group.large
        least = group.small + group.large * t
        most = math.inf if group.large else group.small * (t - 1)
        total_how = self.hidden[group.total]
        if not total_how:
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
        kinds = ((_PRIMARY, group.small), (_COMPLEMENTARY, group.large))
        for how, present in kinds:
            if not present:
                continue
            cell_low, cell_high = self._bounds(how)
            other_large = group.large - (how == _COMPLEMENTARY)
            other_small = group.small - (how == _PRIMARY)
            others_most = math.inf if other_large else other_small * (t - 1)
            others_least = least - cell_low
            if max(cell_low, low - published - others_most) >= min(
                cell_high, high - published - others_least
            ):
                return True
        return False


def _projected(keys: list[CodedKey], kept: tuple[int, ...]) -> list[CodedKey]:
    """Each key's values on the dimensions at `kept` (positions in the key)."""
    if not kept:
        return [()] * len(keys)
    if len(kept) == 1:
        only = kept[0]
        return [(key[only],) for key in keys]
    return list(map(itemgetter(*kept), keys))
