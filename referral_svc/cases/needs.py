"""From a risk assessment's recommended measures (risk.md) to the provider services a case
needs, when the practitioner names none.

A pure table. Measures that no provider service answers — protection by the police, the
agency's victim coordination, notices to immigration or the prosecutor — map to nothing:
they are the practitioners' own tasks, not referrals.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType

MEASURE_SERVICES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "secure_shelter": ("secure_shelter",),
        "urgent_medical": ("medical", "psychological"),  # medical or psychiatric care
        "medical_psych_support": ("medical", "psychological"),
        "reintegration_plan": ("vocational",),
        "child_protection": ("child_protection",),
        # Emergency placement is made by child protection itself.
        "emergency_placement": ("child_protection",),
        # The reflection period and non-punishment both need a lawyer at the person's side.
        "non_removal_alert": ("legal",),
        "non_punishment_review": ("legal",),
    }
)


def services_for(measures: Iterable[str]) -> list[str]:
    """The services the measures call for, as a sorted set."""
    return sorted({service for m in measures for service in MEASURE_SERVICES.get(m, ())})
