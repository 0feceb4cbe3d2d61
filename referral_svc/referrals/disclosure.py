"""Which case facts a referral shows to whom (referral.md: a provider sees "only the case
facts that its services need").

The referring side — whoever may see the case — sees every fact this service keeps. The
provider's side sees what deciding on and delivering the referred services takes: always
the age group, gender and county (eligibility, and where the person is); the safety level
for a place to live or a return; the risk level for care; the exploitation forms for
counselling, legal work and child protection. A pure table.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType

CASE_FACTS = ("is_child", "gender", "county", "exploitation_forms", "risk_level", "safety_level")

_ALWAYS = frozenset({"is_child", "gender", "county"})
_BY_SERVICE: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "shelter": frozenset({"safety_level"}),
        "secure_shelter": frozenset({"safety_level", "risk_level"}),
        "medical": frozenset({"risk_level"}),
        "psychological": frozenset({"risk_level", "exploitation_forms"}),
        "legal": frozenset({"exploitation_forms"}),
        "child_protection": frozenset({"risk_level", "safety_level", "exploitation_forms"}),
        "repatriation": frozenset({"safety_level"}),
    }
)


def facts_for_provider(services: Iterable[str]) -> frozenset[str]:
    """The case facts a provider referred `services` may see."""
    shown = set(_ALWAYS)
    for service in services:
        shown |= _BY_SERVICE.get(service, frozenset())
    return frozenset(shown)
