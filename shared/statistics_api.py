"""What every part's statistics routes share: reading `group_by` and the period of a
request, and answering a table as CSV to a caller that asks for it (`Accept: text/csv`).

A CSV answer has one column per dimension grouped by and one per value of a cell (the
count, and whatever else the statistic publishes), a row per cell in the JSON answer's
order, and a last row with every dimension empty: the total. Suppressed values read as in
JSON (`<5`, `suppressed`); a value not published is empty.
"""

import asyncio
import csv
import io
import multiprocessing
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date
from functools import partial
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request, Response

from shared.errors import ValidationProblem
from shared.statistics import Key, Statistics

CSV_MEDIA_TYPE: Final = "text/csv"
# The OpenAPI `responses` entry of a statistics route's CSV answer.
CSV_RESPONSE: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "The cells, or with `Accept: text/csv` the same table as CSV "
        "(a header row, a row per cell, and the total with every dimension empty).",
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}

D = TypeVar("D", bound=str)

# Up to this many combinations of values a settling takes well under a second: in a thread
# of the part's own process. Past it (a national caseload: 50,000 combinations, 3 to 5 s),
# in a worker process at the lowest priority, so the part's requests keep their core and
# the machine's other parts come first: in a thread, 100 screenings a second waited behind
# it (p99 1.3 s). What comes back is the published form only (2 MB at national size).
SETTLED_IN_PROCESS_UP_TO: Final = 5_000
_WORKER_NICENESS: Final = 19
_worker: Executor | None = None


def _lower_priority() -> None:
    os.nice(_WORKER_NICENESS)


def _settling_worker() -> Executor:
    """The process's one settling worker, started at its first large settling."""
    global _worker
    if _worker is None:
        _worker = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lower_priority,
        )
    return _worker


async def settle(
    cases: Mapping[Key, int], *, width: int, in_process_up_to: int = SETTLED_IN_PROCESS_UP_TO
) -> Statistics:
    """The statistics of `cases` with their suppression settled, off the event loop."""
    settling = partial(Statistics, cases, width=width)
    if len(cases) <= in_process_up_to:
        return await asyncio.to_thread(settling)
    return await asyncio.get_running_loop().run_in_executor(_settling_worker(), settling)


class UnknownDimension(ValidationProblem):
    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__("group_by", f"Each dimension must be one of {', '.join(offered)}.")


class DimensionRepeated(ValidationProblem):
    def __init__(self, dimension: str) -> None:
        super().__init__("group_by", f"'{dimension}' is named twice.")


class PeriodReversed(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("to", "The period must not end before it starts.")


def dimensions(group_by: str | None, offered: Sequence[D]) -> list[D]:
    """The dimensions named in `group_by` (comma-separated), each one of `offered`, once."""
    names = [name.strip() for name in group_by.split(",")] if group_by else []
    chosen: list[D] = []
    for name in names:
        dimension = next((d for d in offered if d == name), None)
        if dimension is None:
            raise UnknownDimension(offered)
        if dimension in chosen:
            raise DimensionRepeated(dimension)
        chosen.append(dimension)
    return chosen


def check_period(first: date | None, last: date | None) -> None:
    if first is not None and last is not None and last < first:
        raise PeriodReversed()


async def wants_csv(request: Request) -> bool:
    """Whether the caller asks for CSV rather than JSON (the first type it names wins)."""
    accept = request.headers.get("accept", "")
    for offered in accept.split(","):
        kind = offered.split(";", 1)[0].strip().lower()
        if kind == CSV_MEDIA_TYPE:
            return True
        if kind in ("application/json", "application/*", "*/*"):
            return False
    return False


WantsCsv = Annotated[bool, Depends(wants_csv)]


def csv_answer(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, name: str) -> Response:
    """`rows` (JSON values by column) as a CSV download named `name`.csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(column)) for column in columns])
    return Response(
        buffer.getvalue(),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
