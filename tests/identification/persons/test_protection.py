"""Sealing personal values and blind indexes: the pure part of the person's protection."""

import os
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identification_svc.persons.protection import (
    MatchKey,
    PersonalDataProtector,
    SealError,
    document_text,
    full_name_text,
    key_id,
)

DATA_KEY, INDEX_KEY = os.urandom(32), os.urandom(32)
PROTECTOR = PersonalDataProtector(DATA_KEY, INDEX_KEY)


@given(st.text())
def test_a_sealed_value_opens_to_itself_in_its_own_place(value: str) -> None:
    value = value.encode("utf-8", "replace").decode()
    sealed = PROTECTOR.seal(value, context="person:1:given_name")
    assert PROTECTOR.open(sealed, context="person:1:given_name") == value


def test_a_sealed_value_shows_nothing_of_the_plaintext_and_differs_each_time() -> None:
    first = PROTECTOR.seal("Popescu", context="c")
    second = PROTECTOR.seal("Popescu", context="c")
    assert first != second
    assert "Popescu" not in first
    assert first.startswith(f"v1.{key_id(DATA_KEY)}.")


def test_a_sealed_value_moved_to_another_person_or_field_does_not_open() -> None:
    sealed = PROTECTOR.seal("Ana", context="person:1:given_name")
    for elsewhere in ("person:2:given_name", "person:1:family_name"):
        with pytest.raises(SealError):
            PROTECTOR.open(sealed, context=elsewhere)


def test_a_tampered_value_does_not_open() -> None:
    sealed = PROTECTOR.seal("Ana", context="c")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealError):
        PROTECTOR.open(tampered, context="c")
    with pytest.raises(SealError):
        PROTECTOR.open("not sealed at all", context="c")


def test_keys_rotate_values_sealed_with_a_retired_key_still_open() -> None:
    old = PersonalDataProtector(DATA_KEY, INDEX_KEY)
    sealed_before = old.seal("Ion", context="c")
    rotated = PersonalDataProtector(os.urandom(32), INDEX_KEY, retired_data_keys=[DATA_KEY])
    assert rotated.open(sealed_before, context="c") == "Ion"
    sealed_after = rotated.seal("Ion", context="c")
    assert sealed_after.split(".")[1] == rotated.current_key_id != key_id(DATA_KEY)
    with pytest.raises(SealError):
        old.open(sealed_after, context="c")


def test_without_the_retired_key_an_old_value_does_not_open() -> None:
    sealed = PROTECTOR.seal("Ion", context="c")
    with pytest.raises(SealError):
        PersonalDataProtector(os.urandom(32), INDEX_KEY).open(sealed, context="c")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Ștefănescu", "Ana-Maria"), ("STEFANESCU", "ana maria")),
        (("Ana", "Popescu"), ("Popescu", "Ana")),
        ((" Ion  ", "Ţăranu"), ("ion", "taranu")),
    ],
)
def test_full_names_match_regardless_of_case_diacritics_spacing_and_order(
    one: tuple[str, str], other: tuple[str, str]
) -> None:
    assert full_name_text(*one) == full_name_text(*other)


def test_document_numbers_match_regardless_of_spacing_punctuation_and_case() -> None:
    assert document_text("passport", "ab 12-34.56", "md") == document_text(
        "passport", "AB123456", "MD"
    )
    assert document_text("passport", "AB123456", "MD") != document_text(
        "identity_card", "AB123456", "MD"
    )


def _keys(protector: PersonalDataProtector, **facts: Any) -> set[MatchKey]:
    values: dict[str, Any] = {
        "given_name": None,
        "family_name": None,
        "birth_date": None,
        "documents": [],
    }
    return protector.match_keys(**{**values, **facts})


def test_match_keys_need_a_document_or_a_full_name_with_a_birth_date() -> None:
    assert _keys(PROTECTOR, given_name="Ana", family_name="Pop") == set()
    both = _keys(
        PROTECTOR,
        given_name="Ana",
        family_name="Pop",
        birth_date=date(2001, 4, 17),
        documents=[("passport", "X1", "RO")],
    )
    assert {key.kind for key in both} == {"document", "name_and_birth_date"}
    assert all(len(key.digest) == 64 for key in both)


def test_blind_indexes_depend_on_the_index_key_and_reveal_no_plaintext() -> None:
    facts = {"documents": [("passport", "AB123456", "MD")]}
    mine = _keys(PROTECTOR, **facts)
    assert mine == _keys(PersonalDataProtector(os.urandom(32), INDEX_KEY), **facts)
    assert mine != _keys(PersonalDataProtector(DATA_KEY, os.urandom(32)), **facts)
    assert not any("AB123456" in key.digest for key in mine)
