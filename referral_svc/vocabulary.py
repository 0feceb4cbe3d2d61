"""The codes the referral service's API speaks (referral.md, identification.md, API.md).

Closed vocabularies as `Literal`s, so a wrong code is a 422 naming its field and the
OpenAPI document lists the allowed values.
"""

from typing import Annotated, Final, Literal

from pydantic import StringConstraints

ProviderKind = Literal[
    "agency_regional_centre",
    "child_protection",
    "social_services",
    "ngo",
    "medical",
    "legal_aid",
    "international_org",
    "consulate",
]
Service = Literal[
    "shelter",
    "secure_shelter",
    "medical",
    "psychological",
    "legal",
    "material",
    "vocational",
    "education",
    "family_mediation",
    "interpretation",
    "child_protection",
    "repatriation",
]
# The services with places (matching.RESIDENTIAL_SERVICES); each has a capacity row.
ResidentialService = Literal["shelter", "secure_shelter"]
# An ISO 639-1 (or 639-3 where no two-letter code exists) language code.
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]

# Scopes of the identification service's consents (identification.md) this service asks for.
REFERRAL_CONSENT: Final = "referral"
REPATRIATION_CONSENT: Final = "repatriation"
