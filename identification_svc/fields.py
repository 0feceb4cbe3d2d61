"""Field types the identification service's request schemas share.

Vocabularies (gender, setting, exploitation form, closing reason) are the identification
service's own; bounded free text and geographic codes come from `shared.fields` and are
re-exported here so the service's schemas import from one place.
"""

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

from identification_svc.cases.states import CLOSING_REASONS
from identification_svc.screening.rules import EXPLOITATION_FORMS
from shared import fields as shared_fields
from shared.fields import FREE_TEXT, NOTE_MAX, ONE_LINE, CountyCode, Line, Note

__all__ = [
    "FREE_TEXT",
    "NOTE_MAX",
    "ONE_LINE",
    "ClosingReason",
    "CountryCode",
    "CountyCode",
    "ExploitationForm",
    "ExploitationForms",
    "Gender",
    "Line",
    "Note",
    "Setting",
    "unique_forms",
]

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

# The shared country code, with the example a Romanian identification service documents.
CountryCode = Annotated[shared_fields.CountryCode, Field(examples=["RO"])]


def _one_of(values: tuple[str, ...], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"must be {what}: one of {', '.join(values)}")
        return value

    return check


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
