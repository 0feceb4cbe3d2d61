"""Field types the identification service's request schemas share.

Vocabularies (setting, closing reason) are the identification service's own, gender and
the exploitation forms the suite's (`shared.vocabulary`); those, bounded free text and
geographic codes are re-exported here so the service's schemas import from one place.
"""

from collections.abc import Callable
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema

from identification_svc.cases.states import CLOSING_REASONS
from shared import fields as shared_fields
from shared.auth.policy import OrganisationKind
from shared.fields import FREE_TEXT, NOTE_MAX, ONE_LINE, CountyCode, CountyOrNational, Line, Note
from shared.vocabulary import EXPLOITATION_FORMS, Gender

__all__ = [
    "FREE_TEXT",
    "NOTE_MAX",
    "ONE_LINE",
    "OTHER_KIND",
    "AttendeeOrganisationKind",
    "ClosingReason",
    "CountryCode",
    "CountyCode",
    "CountyOrNational",
    "ExploitationForm",
    "ExploitationForms",
    "Gender",
    "Line",
    "Note",
    "Setting",
    "unique_forms",
]

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


# An organisation kind of the suite (API.md), or `other` for a body that takes no part in it
# (a hospital, a school) whose staff come to a training.
OTHER_KIND: Final = "other"
ATTENDEE_ORGANISATION_KINDS: Final = (*(kind.value for kind in OrganisationKind), OTHER_KIND)
AttendeeOrganisationKind = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_one_of(ATTENDEE_ORGANISATION_KINDS, "an organisation kind")),
    WithJsonSchema({"type": "string", "enum": list(ATTENDEE_ORGANISATION_KINDS)}),
]
