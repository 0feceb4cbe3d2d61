"""Catalogue version 1 against the published table of indicators.md."""

from collections import Counter

import pytest

from identification_svc.catalogue.v1 import DIMENSIONS, INDICATORS_V1, IndicatorDefinition

BY_CODE = {indicator.code: indicator for indicator in INDICATORS_V1}
PROFILES = ("AL", "AS", "CL", "CS")
STRENGTHS = {"strong", "medium", "weak", None}

# Every "—" of the table: the indicator is not part of that profile.
NOT_PART_OF_PROFILE = {
    ("VR.08", "CL"),
    ("VR.08", "CS"),
    ("EX.06", "CL"),
    ("EX.06", "CS"),
    ("EX.10", "AL"),
    ("EX.10", "CL"),
    ("EX.11", "AL"),
    ("EX.11", "CL"),
    ("EX.12", "AS"),
    ("EX.12", "CS"),
    ("EX.13", "AS"),
    ("EX.13", "CS"),
    ("EX.14", "AL"),
    ("EX.14", "CL"),
    ("EX.14", "AS"),
}


def test_the_catalogue_holds_72_indicators_with_unique_codes() -> None:
    assert len(INDICATORS_V1) == 72
    assert len(BY_CODE) == 72


def test_each_dimension_holds_the_number_of_indicators_of_the_table() -> None:
    counts = Counter(indicator.dimension for indicator in INDICATORS_V1)
    assert counts == {"DR": 10, "CR": 10, "VR": 16, "EX": 14, "CD": 15, "VD": 7}


def test_codes_are_numbered_consecutively_within_their_dimension() -> None:
    for dimension in DIMENSIONS:
        codes = [i.code for i in INDICATORS_V1 if i.dimension == dimension]
        assert codes == [f"{dimension}.{n:02d}" for n in range(1, len(codes) + 1)]


def test_every_indicator_belongs_to_the_dimension_of_its_code_prefix() -> None:
    for indicator in INDICATORS_V1:
        assert indicator.code.split(".")[0] == indicator.dimension
        assert indicator.dimension in DIMENSIONS


def test_every_indicator_has_a_strength_for_each_of_the_four_profiles() -> None:
    for indicator in INDICATORS_V1:
        assert set(indicator.strengths) == set(PROFILES)
        assert set(indicator.strengths.values()) <= STRENGTHS


@pytest.mark.parametrize(
    ("code", "al", "cl", "as_", "cs"),
    [
        ("DR.01", "strong", "strong", "strong", "strong"),
        ("DR.02", "medium", "medium", "medium", "medium"),
        ("DR.09", "medium", "medium", "medium", "medium"),
        ("DR.10", "weak", "strong", "weak", "strong"),
        ("CR.01", "strong", "strong", "strong", "strong"),
        ("CR.02", "medium", "strong", "medium", "strong"),
        ("CR.03", "medium", "strong", "medium", "strong"),
        ("CR.04", "medium", "strong", "medium", "strong"),
        ("CR.05", "medium", "medium", "medium", "medium"),
        ("CR.10", "medium", "medium", "medium", "medium"),
        ("VR.01", "medium", "medium", "medium", "medium"),
        ("VR.08", "medium", None, "medium", None),
        ("VR.14", "medium", "medium", "medium", "medium"),
        ("VR.15", "weak", "medium", "weak", "medium"),
        ("VR.16", "weak", "medium", "weak", "medium"),
        ("EX.01", "strong", "strong", "medium", "medium"),
        ("EX.02", "medium", "medium", "medium", "medium"),
        ("EX.06", "medium", None, "medium", None),
        ("EX.09", "weak", "medium", "weak", "medium"),
        ("EX.10", None, None, "medium", "strong"),
        ("EX.11", None, None, "medium", "strong"),
        ("EX.12", "strong", "strong", None, None),
        ("EX.13", "strong", "strong", None, None),
        ("EX.14", None, None, None, "strong"),
        ("CD.01", "strong", "strong", "strong", "strong"),
        ("CD.04", "strong", "strong", "strong", "strong"),
        ("CD.05", "medium", "strong", "medium", "strong"),
        ("CD.06", "medium", "strong", "strong", "strong"),
        ("CD.07", "medium", "medium", "medium", "medium"),
        ("CD.11", "medium", "strong", "medium", "strong"),
        ("CD.12", "medium", "strong", "medium", "strong"),
        ("CD.14", "medium", "medium", "medium", "medium"),
        ("CD.15", "weak", "medium", "weak", "medium"),
        ("VD.01", "medium", "medium", "medium", "medium"),
        ("VD.05", "medium", "medium", "medium", "medium"),
        ("VD.06", "weak", "medium", "weak", "medium"),
        ("VD.07", "weak", "medium", "weak", "medium"),
    ],
)
def test_strengths_follow_the_published_table(
    code: str, al: str | None, cl: str | None, as_: str | None, cs: str | None
) -> None:
    assert dict(BY_CODE[code].strengths) == {"AL": al, "CL": cl, "AS": as_, "CS": cs}


def test_the_indicators_outside_a_profile_are_exactly_the_dashes_of_the_table() -> None:
    outside = {
        (indicator.code, profile)
        for indicator in INDICATORS_V1
        for profile, strength in indicator.strengths.items()
        if strength is None
    }
    assert outside == NOT_PART_OF_PROFILE


def test_child_profiles_have_no_weak_tier() -> None:
    for indicator in INDICATORS_V1:
        assert indicator.strengths["CL"] != "weak", indicator.code
        assert indicator.strengths["CS"] != "weak", indicator.code


def test_the_weak_tier_of_the_adult_profiles_is_the_one_of_the_table() -> None:
    weak_al = {i.code for i in INDICATORS_V1 if i.strengths["AL"] == "weak"}
    weak_as = {i.code for i in INDICATORS_V1 if i.strengths["AS"] == "weak"}
    expected = {"DR.10", "VR.15", "VR.16", "EX.09", "CD.15", "VD.06", "VD.07"}
    assert weak_al == expected
    assert weak_as == expected


def test_the_labour_lists_are_the_ilo_lists_plus_the_two_national_additions() -> None:
    # ILO/EC labour lists: 67 indicators for adults, 65 for children; begging (EX.12) and
    # criminal activities (EX.13) are the national additions.
    al = {i.code for i in INDICATORS_V1 if i.strengths["AL"] is not None}
    cl = {i.code for i in INDICATORS_V1 if i.strengths["CL"] is not None}
    assert len(al - {"EX.12", "EX.13"}) == 67
    assert len(cl - {"EX.12", "EX.13"}) == 65


def test_every_label_and_guidance_is_written_in_romanian_and_english() -> None:
    for indicator in INDICATORS_V1:
        for text in (indicator.label, indicator.guidance):
            assert set(text) == {"ro", "en"}, indicator.code
            assert all(value.strip() == value and value for value in text.values())


def test_guidance_is_a_full_sentence() -> None:
    for indicator in INDICATORS_V1:
        for language, sentence in indicator.guidance.items():
            assert sentence[0].isupper(), (indicator.code, language)
            assert sentence.endswith("."), (indicator.code, language)
            assert len(sentence.split()) >= 8, (indicator.code, language)


def test_labels_are_unique_within_each_language() -> None:
    for language in ("ro", "en"):
        labels = [indicator.label[language] for indicator in INDICATORS_V1]
        assert len(set(labels)) == len(labels), language


def test_romanian_texts_use_comma_below_diacritics_not_cedillas() -> None:
    romanian = [
        text
        for indicator in INDICATORS_V1
        for text in (indicator.label["ro"], indicator.guidance["ro"])
    ] + [names["ro"] for names in DIMENSIONS.values()]
    assert not any(ch in text for text in romanian for ch in "şţŞŢ")
    assert any("ș" in text for text in romanian)
    assert any("ț" in text for text in romanian)
    assert any("ă" in text for text in romanian)
    assert any("â" in text for text in romanian)
    assert any("î" in text for text in romanian)


def test_the_six_dimensions_are_named_in_romanian_and_english() -> None:
    assert list(DIMENSIONS) == ["DR", "CR", "VR", "EX", "CD", "VD"]
    for names in DIMENSIONS.values():
        assert set(names) == {"ro", "en"}
        assert all(names.values())


def test_catalogue_rows_cannot_be_changed() -> None:
    indicator: IndicatorDefinition = BY_CODE["DR.01"]
    with pytest.raises(AttributeError):
        indicator.code = "DR.99"  # type: ignore[misc]
    with pytest.raises(TypeError):
        indicator.strengths["AL"] = "weak"  # type: ignore[index]
