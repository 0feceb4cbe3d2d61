"""Romania's eight development regions, the middle tier of "how near" a provider is.

Matching ranks a provider covering only the person's county above one covering the
person's region, and that above a national one; this module says which region each county
belongs to.
"""

from collections.abc import Mapping
from types import MappingProxyType

REGION_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "nord_est": "Nord-Est",
        "sud_est": "Sud-Est",
        "sud_muntenia": "Sud-Muntenia",
        "sud_vest_oltenia": "Sud-Vest Oltenia",
        "vest": "Vest",
        "nord_vest": "Nord-Vest",
        "centru": "Centru",
        "bucuresti_ilfov": "București-Ilfov",
    }
)

REGION_COUNTIES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "nord_est": frozenset({"RO-BC", "RO-BT", "RO-IS", "RO-NT", "RO-SV", "RO-VS"}),
        "sud_est": frozenset({"RO-BR", "RO-BZ", "RO-CT", "RO-GL", "RO-TL", "RO-VN"}),
        "sud_muntenia": frozenset({"RO-AG", "RO-CL", "RO-DB", "RO-GR", "RO-IL", "RO-PH", "RO-TR"}),
        "sud_vest_oltenia": frozenset({"RO-DJ", "RO-GJ", "RO-MH", "RO-OT", "RO-VL"}),
        "vest": frozenset({"RO-AR", "RO-CS", "RO-HD", "RO-TM"}),
        "nord_vest": frozenset({"RO-BH", "RO-BN", "RO-CJ", "RO-MM", "RO-SJ", "RO-SM"}),
        "centru": frozenset({"RO-AB", "RO-BV", "RO-CV", "RO-HR", "RO-MS", "RO-SB"}),
        "bucuresti_ilfov": frozenset({"RO-B", "RO-IF"}),
    }
)

REGION_OF_COUNTY: Mapping[str, str] = MappingProxyType(
    {county: region for region, counties in REGION_COUNTIES.items() for county in counties}
)
