"""What every part's statistics routes share: reading `group_by` and the period of a
request, and answering a table as CSV to a caller that asks for it (`Accept: text/csv`).

A CSV answer has one column per dimension grouped by and one per value of a cell (the
count, and whatever else the statistic publishes), a row per cell in the JSON answer's
order, and a last row with every dimension empty: the total. Suppressed values read as in
JSON (`<5`, `suppressed`); a value not published is empty.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request, Response

from shared.errors import ValidationProblem

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
