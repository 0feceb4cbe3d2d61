"""A realistic demo directory: `demo_directory()` gives the create payloads (`POST
/api/v1/providers` bodies) of a directory shaped like Romania's.

- a child-protection service (DGASPC) for each of the 42 counties;
- the national agency's (ANITP) 15 regional centres, named by their seat cities, which
  together cover every county;
- NGO shelters (some secure) with places, NGO counselling and reintegration services;
- medical and legal-aid services; the International Organization for Migration
  (national, for returns); two consulates abroad (Italy, Spain).

The NGOs, clinics and law offices are invented; the public institutions are named as they
are. `organisation_id` is left `None` for the seeder, which creates (or finds) the
organisation whose users act for each provider — `ORGANISATION_KIND` says which kind of
organisation that is. The seeding command itself lives in `services/`.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from shared.geo import COUNTIES

VALID_UNTIL = "2030-12-31"

# The organisation kind (API.md, organisations) of the users who act for each provider kind.
ORGANISATION_KIND: Mapping[str, str] = MappingProxyType(
    {
        "child_protection": "child_protection",
        "agency_regional_centre": "national_agency",
        "social_services": "social_services",
        "ngo": "ngo",
        "medical": "provider",
        "legal_aid": "provider",
        "international_org": "international_org",
        "consulate": "consulate",
    }
)

# ANITP's regional centres by seat city, and the counties each covers.
_REGIONAL_CENTRES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Alba Iulia", ("RO-AB", "RO-HD", "RO-SB")),
    ("Bacău", ("RO-BC", "RO-NT", "RO-VN")),
    ("Brașov", ("RO-BV", "RO-CV", "RO-HR")),
    ("București", ("RO-B", "RO-IF", "RO-GR", "RO-TR")),
    ("Cluj-Napoca", ("RO-CJ", "RO-BN", "RO-SJ")),
    ("Constanța", ("RO-CT", "RO-TL", "RO-CL", "RO-IL")),
    ("Craiova", ("RO-DJ", "RO-OT", "RO-MH", "RO-GJ")),
    ("Galați", ("RO-GL", "RO-BR", "RO-BZ")),
    ("Iași", ("RO-IS", "RO-VS")),
    ("Oradea", ("RO-BH", "RO-SM", "RO-MM")),
    ("Pitești", ("RO-AG", "RO-VL")),
    ("Ploiești", ("RO-PH", "RO-DB")),
    ("Suceava", ("RO-SV", "RO-BT")),
    ("Timișoara", ("RO-TM", "RO-AR", "RO-CS")),
    ("Târgu Mureș", ("RO-MS",)),
)


def _entry(
    name: str,
    kind: str,
    services: list[str],
    number: str,
    *,
    counties: list[str] | None = None,
    countries: list[str] | None = None,
    accepts_adults: bool = True,
    accepts_children: bool = False,
    genders: list[str] | None = None,
    languages: list[str] | None = None,
    specialisations: list[str] | None = None,
    capacity: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "organisation_id": None,
        "services": services,
        "accepts_adults": accepts_adults,
        "accepts_children": accepts_children,
        "genders": genders or [],
        "languages": languages or ["ro"],
        "specialisations": specialisations or [],
        "capacity": capacity or {},
        "accreditation": {"number": number, "valid_until": VALID_UNTIL},
        "active": True,
    }
    if countries is not None:
        entry["countries"] = countries
    else:
        entry["counties"] = counties or ["national"]
    return entry


def _child_protection(code: str, county: str, index: int) -> dict[str, Any]:
    # Places vary by county, deterministically, so the demo shows fuller and emptier ones.
    total = 8 + (index * 5) % 17
    return _entry(
        f"DGASPC {county}",
        "child_protection",
        ["child_protection", "shelter", "psychological", "education", "medical"],
        f"DGASPC-{code.removeprefix('RO-')}",
        counties=[code],
        accepts_adults=False,
        accepts_children=True,
        specialisations=["sexual", "labour", "begging"],
        capacity={"shelter": {"total": total, "free": total // 3}},
    )


def _regional_centre(city: str, counties: tuple[str, ...]) -> dict[str, Any]:
    return _entry(
        f"ANITP — Centrul Regional {city}",
        "agency_regional_centre",
        ["psychological", "legal", "material", "repatriation"],
        f"ANITP-CR-{city.upper().replace(' ', '-')}",
        counties=list(counties),
        accepts_children=True,
        languages=["ro", "en"],
        specialisations=["sexual", "labour", "begging", "criminal_activities"],
    )


_OTHERS: tuple[dict[str, Any], ...] = (
    _entry(
        "Adăpostul Speranța (ONG)",
        "ngo",
        ["shelter", "psychological", "legal", "vocational", "family_mediation"],
        "ONG-AS-0107",
        counties=["RO-IS", "RO-VS", "RO-NT"],
        genders=["female"],
        languages=["ro", "en", "ru"],
        specialisations=["sexual", "domestic_servitude", "forced_marriage"],
        capacity={"shelter": {"total": 12, "free": 4}},
    ),
    _entry(
        "Casa Protejată Aurora (ONG)",
        "ngo",
        ["secure_shelter", "shelter", "psychological", "legal"],
        "ONG-CA-0233",
        counties=["national"],
        genders=["female"],
        languages=["ro", "en", "it"],
        specialisations=["sexual"],
        capacity={"secure_shelter": {"total": 6, "free": 2}, "shelter": {"total": 10, "free": 3}},
    ),
    _entry(
        "Centrul Pavăza pentru Bărbați (ONG)",
        "ngo",
        ["shelter", "vocational", "material", "legal"],
        "ONG-CP-0318",
        counties=["RO-B", "RO-IF", "RO-PH", "RO-DB", "RO-GR"],
        genders=["male"],
        languages=["ro", "en", "es"],
        specialisations=["labour", "criminal_activities", "begging"],
        capacity={"shelter": {"total": 8, "free": 5}},
    ),
    _entry(
        "Refugiul Vest (ONG)",
        "ngo",
        ["secure_shelter", "psychological", "interpretation"],
        "ONG-RV-0412",
        counties=["RO-TM", "RO-AR", "RO-CS", "RO-HD"],
        accepts_children=True,
        languages=["ro", "en", "de", "hu"],
        specialisations=["sexual", "labour"],
        capacity={"secure_shelter": {"total": 4, "free": 1}},
    ),
    _entry(
        "Drumul Înapoi — reintegrare (ONG)",
        "ngo",
        ["vocational", "education", "family_mediation", "material"],
        "ONG-DI-0520",
        counties=["RO-CJ", "RO-BH", "RO-MM", "RO-SJ", "RO-SM", "RO-BN"],
        accepts_children=True,
        languages=["ro", "hu"],
        specialisations=["labour", "sexual"],
    ),
    _entry(
        "Clinica Sf. Maria — Asistență pentru Victime",
        "medical",
        ["medical", "psychological"],
        "MED-SM-0061",
        counties=["RO-IS"],
        accepts_children=True,
        languages=["ro", "en", "fr"],
    ),
    _entry(
        "Centrul Medical Columna",
        "medical",
        ["medical", "psychological"],
        "MED-CC-0094",
        counties=["RO-B", "RO-IF"],
        accepts_children=True,
        languages=["ro", "en"],
    ),
    _entry(
        "Cabinetul de Asistență Juridică Lex Pro Victima",
        "legal_aid",
        ["legal", "interpretation"],
        "LEG-LPV-0175",
        counties=["national"],
        accepts_children=True,
        languages=["ro", "en", "it", "es"],
        specialisations=["sexual", "labour", "criminal_activities"],
    ),
    _entry(
        "Organizația Internațională pentru Migrație (OIM) — Misiunea în România",
        "international_org",
        ["repatriation", "material", "legal", "interpretation"],
        "IOM-RO-0001",
        counties=["national"],
        accepts_children=True,
        languages=["ro", "en", "fr", "ar", "uk"],
    ),
    _entry(
        "Consulatul General al României la Torino",
        "consulate",
        ["repatriation", "interpretation", "legal"],
        "CONS-IT-TO",
        countries=["IT"],
        accepts_children=True,
        languages=["ro", "it"],
    ),
    _entry(
        "Consulatul General al României la Madrid",
        "consulate",
        ["repatriation", "interpretation", "legal"],
        "CONS-ES-MAD",
        countries=["ES"],
        accepts_children=True,
        languages=["ro", "es"],
    ),
)


def demo_directory() -> list[dict[str, Any]]:
    """The demo providers' create payloads, each with `organisation_id` still `None`."""
    return [
        *(
            _child_protection(code, county, index)
            for index, (code, county) in enumerate(COUNTIES.items())
        ),
        *(_regional_centre(city, counties) for city, counties in _REGIONAL_CENTRES),
        *(dict(entry) for entry in _OTHERS),
    ]
