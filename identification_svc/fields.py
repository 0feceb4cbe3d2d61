"""Field types the identification service's request schemas share.

Vocabularies (gender, setting, exploitation form, closing reason), geographic codes checked
against `shared.geo`, and free text that refuses what no database should be asked to store:
NUL and other control characters, and unpaired surrogates (which are not UTF-8). Every
length is bounded, so an oversized value is a 422 naming its field, never a failed insert.
"""

import re
from collections.abc import Callable
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

from identification_svc.cases.states import CLOSING_REASONS
from identification_svc.screening.rules import EXPLOITATION_FORMS
from shared.geo import is_country, is_county

Gender = Literal["female", "male", "other", "unknown"]
Setting = Literal[
    "border_check",
    "police_operation",
    "labour_inspection",
    "hotline",
    "consulate",
    "ngo_outreach",
    "health_service",
    "social_services",
    "self_referral",
    "other",
]

NOTE_MAX: Final = 2000
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_OR_BREAK: Final = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _refusing(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if pattern.search(value):
            raise ValueError(f"must not contain {what}")
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    return check


def _one_of(values: tuple[str, ...], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"must be {what}: one of {', '.join(values)}")
        return value

    return check


def _checked(check: Callable[[str], bool], what: str) -> Callable[[str], str]:
    def validate(value: str) -> str:
        if not check(value):
            raise ValueError(f"must be {what}")
        return value

    return validate


# One line (a name, an authority): no control characters, no line breaks, not blank.
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
CountryCode = Annotated[
    str,
    StringConstraints(max_length=2),
    AfterValidator(_checked(is_country, "an ISO 3166-1 alpha-2 country code such as IT")),
    Field(examples=["RO"]),
]
ExploitationForm = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_one_of(EXPLOITATION_FORMS, "an exploitation form")),
    WithJsonSchema({"type": "string", "enum": list(EXPLOITATION_FORMS)}),
]
ExploitationForms = Annotated[list[ExploitationForm], Field(max_length=len(EXPLOITATION_FORMS))]
ClosingReason = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_one_of(CLOSING_REASONS, "a closing reason")),
    WithJsonSchema({"type": "string", "enum": list(CLOSING_REASONS)}),
]


def unique_forms(forms: list[str]) -> list[str]:
    """Suspected forms as a set in their canonical order (duplicates carry no meaning)."""
    return [form for form in EXPLOITATION_FORMS if form in forms]
