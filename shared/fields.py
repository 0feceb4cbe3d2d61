"""Field types for request schemas of every part: bounded free text, geographic codes and
times.

Free text refuses what no database should be asked to store — NUL and other control
characters, unpaired surrogates (not UTF-8) — and the text-direction overrides and
isolates (U+202A–U+202E, U+2066–U+2069), which no name or note needs and which can make
a name read otherwise than it is stored; every length is bounded, so a hostile value is a
422 naming its field, never a failed insert. Codes are checked against
`shared.geo`.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from shared.auth.policy import NATIONAL
from shared.geo import is_country, is_county

NOTE_MAX: Final = 2000
_CONTROL: Final = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_CONTROL_OR_BREAK: Final = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _refusing(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if pattern.search(value):
            raise ValueError(f"must not contain {what}")
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    return check


def _checked(check: Callable[[str], bool], what: str) -> Callable[[str], str]:
    def validate(value: str) -> str:
        if not check(value):
            raise ValueError(f"must be {what}")
        return value

    return validate


# One line (a name, a licence number): no control characters, no line breaks, not blank.
ONE_LINE: Final = AfterValidator(_refusing(_CONTROL_OR_BREAK, "control characters or line breaks"))
# Free text (a note, a basis): line breaks and tabs allowed, other controls not.
FREE_TEXT: Final = AfterValidator(_refusing(_CONTROL, "control characters"))

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), ONE_LINE]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX), FREE_TEXT]
CountyCode = Annotated[
    str,
    StringConstraints(max_length=8),
    AfterValidator(_checked(is_county, "an ISO 3166-2:RO county code such as RO-CJ")),
    Field(examples=["RO-IS"]),
]
# Where an organisation works: a county, or the whole country (`national`).
CountyOrNational = Annotated[
    str,
    StringConstraints(max_length=16),
    AfterValidator(
        _checked(
            lambda value: value == NATIONAL or is_county(value),
            "an ISO 3166-2:RO county code (such as RO-CJ) or 'national'",
        )
    ),
    Field(examples=["RO-CJ"]),
]
CountryCode = Annotated[
    str,
    StringConstraints(max_length=2),
    AfterValidator(_checked(is_country, "an ISO 3166-1 alpha-2 country code such as IT")),
    Field(examples=["IT"]),
]


def _in_utc(moment: datetime) -> datetime:
    # An offset at the edge of the calendar (year 1 or 9999) has no UTC equivalent.
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range") from exc


# An RFC 3339 time with its offset, as UTC (a time without an offset is refused).
UTCMoment = Annotated[AwareDatetime, AfterValidator(_in_utc)]
