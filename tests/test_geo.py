"""Geographic reference data: Romania's counties, their regions, the world's countries."""

from referral_svc.providers.regions import REGION_COUNTIES, REGION_NAMES, REGION_OF_COUNTY
from shared.geo import COUNTIES, COUNTRIES, is_country, is_county


def test_romania_has_41_counties_and_bucharest() -> None:
    assert len(COUNTIES) == 42
    assert COUNTIES["RO-B"] == "București"
    assert all(code.startswith("RO-") for code in COUNTIES)


def test_county_names_carry_their_diacritics() -> None:
    assert COUNTIES["RO-IS"] == "Iași"
    assert COUNTIES["RO-BN"] == "Bistrița-Năsăud"
    assert COUNTIES["RO-VL"] == "Vâlcea"


def test_is_county_knows_iso_3166_2_ro_codes_only() -> None:
    assert is_county("RO-CJ")
    assert is_county("RO-B")
    assert not is_county("CJ")
    assert not is_county("RO-XX")
    assert not is_county("national")


def test_countries_are_the_249_assigned_alpha_2_codes() -> None:
    assert len(COUNTRIES) == 249
    assert all(len(code) == 2 and code.isupper() for code in COUNTRIES)
    assert {"RO", "MD", "IT", "GB", "SS", "AX"} <= COUNTRIES


def test_is_country_refuses_unassigned_and_reserved_codes() -> None:
    assert is_country("RO")
    assert not is_country("UK")  # reserved, not assigned: the United Kingdom is GB
    assert not is_country("XK")
    assert not is_country("ro")


def test_there_are_eight_development_regions() -> None:
    assert len(REGION_NAMES) == len(REGION_COUNTIES) == 8
    assert set(REGION_NAMES) == set(REGION_COUNTIES)


def test_every_county_is_in_exactly_one_region() -> None:
    memberships = [county for counties in REGION_COUNTIES.values() for county in counties]

    assert sorted(memberships) == sorted(COUNTIES)
    assert set(REGION_OF_COUNTY) == set(COUNTIES)


def test_bucharest_and_ilfov_form_their_own_region() -> None:
    assert REGION_COUNTIES["bucuresti_ilfov"] == {"RO-B", "RO-IF"}
    assert REGION_OF_COUNTY["RO-CJ"] == "nord_vest"
