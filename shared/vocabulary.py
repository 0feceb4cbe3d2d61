"""Terms more than one part speaks (identification.md): each listed once, so the codes a
case event carries are the codes every part accepts.

Closed vocabularies as `Literal`s (a wrong code is a 422 naming its field, and the OpenAPI
document lists the values); the tuples give the published order.
"""

from typing import Final, Literal, get_args

ExploitationForm = Literal[
    "sexual",
    "labour",
    "begging",
    "criminal_activities",
    "domestic_servitude",
    "slavery",
    "organ_removal",
    "forced_marriage",
    "illegal_adoption",
    "surrogacy",
    "other",
]
EXPLOITATION_FORMS: Final[tuple[ExploitationForm, ...]] = get_args(ExploitationForm)

Gender = Literal["female", "male", "other", "unknown"]
