"""The screening engine: rule 1, rule 2, profiles, outcomes and their explanation."""

import ast
import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identification_svc.catalogue.v1 import INDICATORS_V1
from identification_svc.screening import rules
from identification_svc.screening.rules import (
    RULE_SET_VERSION,
    Answer,
    DimensionEvaluation,
    Indicator,
    Profile,
    ScreeningResult,
    Strength,
    evaluate,
    is_child,
)
from shared.vocabulary import EXPLOITATION_FORMS

DIMENSIONS = ("DR", "CR", "VR", "EX", "CD", "VD")
ALL_PROFILES: tuple[Profile, ...] = ("AL", "AS", "CL", "CS")
RANK = {"no_indication": 0, "potential_victim": 1, "presumed_victim": 2}

V1 = tuple(
    Indicator(
        code=definition.code,
        dimension=definition.dimension,
        strengths=cast(Mapping[Profile, Strength | None], definition.strengths),
    )
    for definition in INDICATORS_V1
)
V1_CODES = tuple(indicator.code for indicator in V1)


def _uniform(code: str, strength: Strength) -> Indicator:
    return Indicator(code, code[:2], dict.fromkeys(ALL_PROFILES, strength))


# A small catalogue for the rules: in each dimension, two strong (DR.S1, DR.S2), three
# medium (DR.M1..M3) and five weak (DR.W1..W5) indicators, the same under every profile.
TIERS: tuple[tuple[Strength, int], ...] = (("strong", 2), ("medium", 3), ("weak", 5))
SYNTHETIC = tuple(
    _uniform(f"{dimension}.{tier[0].upper()}{n}", tier)
    for dimension in DIMENSIONS
    for tier, size in TIERS
    for n in range(1, size + 1)
)


def screen(
    yes: Iterable[str] = (),
    *,
    unknown: Iterable[str] = (),
    no: Iterable[str] = (),
    age: int | None = 30,
    possibly_minor: bool = False,
    forms: Collection[str] = (),
    act_recorded: bool = False,
    indicators: tuple[Indicator, ...] = SYNTHETIC,
) -> ScreeningResult:
    answers: dict[str, Answer] = dict.fromkeys(no, "no")
    answers.update(dict.fromkeys(unknown, "unknown"))
    answers.update(dict.fromkeys(yes, "yes"))
    return evaluate(
        indicators,
        answers,
        age=age,
        possibly_minor=possibly_minor,
        exploitation_forms=forms,
        act_recorded=act_recorded,
    )


def dimension(result: ScreeningResult, profile: Profile, code: str) -> tuple[bool, str | None]:
    evaluation = result.profiles[profile].dimensions[code]
    return evaluation.present, evaluation.clause


# Rule 1 — when a dimension is present


def test_two_strong_indicators_make_a_dimension_present() -> None:
    assert dimension(screen(["DR.S1", "DR.S2"]), "AL", "DR") == (True, "two_strong")


def test_one_strong_and_one_medium_indicator_make_a_dimension_present() -> None:
    assert dimension(screen(["CR.S1", "CR.M1"]), "AL", "CR") == (True, "strong_and_other")


def test_one_strong_and_one_weak_indicator_make_a_dimension_present() -> None:
    assert dimension(screen(["CR.S1", "CR.W1"]), "AL", "CR") == (True, "strong_and_other")


def test_three_medium_indicators_make_a_dimension_present() -> None:
    assert dimension(screen(["VR.M1", "VR.M2", "VR.M3"]), "AL", "VR") == (True, "three_medium")


def test_two_medium_and_one_weak_indicator_make_a_dimension_present() -> None:
    result = screen(["EX.M1", "EX.M2", "EX.W1"])
    assert dimension(result, "AL", "EX") == (True, "two_medium_one_weak")


@pytest.mark.parametrize(
    ("yes", "clause"),
    [
        (["CD.S1", "CD.S2", "CD.M1", "CD.M2", "CD.M3", "CD.W1"], "two_strong"),
        (["CD.S1", "CD.M1", "CD.M2", "CD.M3", "CD.W1"], "strong_and_other"),
        (["CD.M1", "CD.M2", "CD.M3", "CD.W1"], "three_medium"),
    ],
)
def test_the_first_clause_that_holds_is_reported(yes: list[str], clause: str) -> None:
    assert dimension(screen(yes), "AL", "CD") == (True, clause)


def test_one_strong_indicator_alone_does_not_make_a_dimension_present() -> None:
    assert dimension(screen(["DR.S1"]), "AL", "DR") == (False, None)


@pytest.mark.parametrize("how_many", [1, 2, 3, 4, 5])
def test_any_number_of_weak_indicators_alone_does_not_make_a_dimension_present(
    how_many: int,
) -> None:
    yes = [f"VD.W{n}" for n in range(1, how_many + 1)]
    assert dimension(screen(yes), "AL", "VD") == (False, None)


def test_two_medium_indicators_alone_do_not_make_a_dimension_present() -> None:
    assert dimension(screen(["EX.M1", "EX.M2"]), "AL", "EX") == (False, None)


def test_one_medium_and_one_weak_indicator_do_not_make_a_dimension_present() -> None:
    assert dimension(screen(["EX.M1", "EX.W1"]), "AL", "EX") == (False, None)


def test_one_medium_and_many_weak_indicators_do_not_make_a_dimension_present() -> None:
    yes = ["EX.M1", "EX.W1", "EX.W2", "EX.W3", "EX.W4", "EX.W5"]
    assert dimension(screen(yes), "AL", "EX") == (False, None)


def test_indicators_of_another_dimension_do_not_add_up() -> None:
    assert dimension(screen(["DR.S1", "CR.S1"]), "AL", "DR") == (False, None)


def test_counted_lists_every_yes_of_the_dimension_sorted_by_code() -> None:
    result = screen(["DR.W2", "DR.S1", "DR.M1", "DR.S2", "CR.M1"])
    assert result.profiles["AL"].dimensions["DR"].counted == ("DR.M1", "DR.S1", "DR.S2", "DR.W2")


def test_a_dimension_without_answers_is_absent_with_nothing_counted() -> None:
    evaluation = screen([]).profiles["AL"].dimensions["VD"]
    assert (evaluation.present, evaluation.clause, evaluation.counted, evaluation.unknown) == (
        False,
        None,
        (),
        0,
    )


# Rule 2 — adults

ADULT_RECRUITMENT = ["DR.S1", "DR.S2"]
ADULT_EXPLOITATION = ["EX.S1", "EX.S2"]
ADULT_DESTINATION = ["VD.M1", "VD.M2", "VD.M3"]


def test_an_adult_with_recruitment_exploitation_and_destination_is_a_presumed_victim() -> None:
    result = screen(ADULT_RECRUITMENT + ADULT_EXPLOITATION + ADULT_DESTINATION)
    rule = result.profiles["AL"].rule
    assert (rule.clause, rule.satisfied, rule.missing) == ("adult", True, ())
    assert result.outcome == "presumed_victim"


@pytest.mark.parametrize("recruitment", ["DR", "CR", "VR"])
@pytest.mark.parametrize("destination", ["CD", "VD"])
def test_any_recruitment_and_any_destination_dimension_satisfy_the_adult_rule(
    recruitment: str, destination: str
) -> None:
    yes = [f"{recruitment}.S1", f"{recruitment}.S2", f"{destination}.S1", f"{destination}.M1"]
    assert screen([*yes, *ADULT_EXPLOITATION]).outcome == "presumed_victim"


def test_an_adult_without_a_recruitment_dimension_misses_recruitment() -> None:
    result = screen(ADULT_EXPLOITATION + ADULT_DESTINATION)
    assert result.profiles["AL"].rule.missing == ("recruitment",)
    assert result.outcome == "potential_victim"


def test_an_adult_without_exploitative_conditions_misses_exploitation() -> None:
    result = screen(ADULT_RECRUITMENT + ADULT_DESTINATION)
    assert result.profiles["AL"].rule.missing == ("exploitation",)
    assert result.outcome == "potential_victim"


def test_an_adult_without_a_destination_dimension_misses_destination() -> None:
    result = screen(ADULT_RECRUITMENT + ADULT_EXPLOITATION)
    assert result.profiles["AL"].rule.missing == ("destination",)
    assert result.outcome == "potential_victim"


def test_an_adult_with_nothing_present_misses_all_three_groups_in_order() -> None:
    rule = screen([]).profiles["AL"].rule
    assert (rule.satisfied, rule.missing) == (False, ("recruitment", "exploitation", "destination"))


def test_a_recorded_act_does_not_replace_the_means_for_an_adult() -> None:
    result = screen(ADULT_EXPLOITATION + ADULT_DESTINATION, act_recorded=True)
    assert result.profiles["AL"].rule.missing == ("recruitment",)
    assert result.profiles["AL"].rule.act_recorded is True
    assert result.outcome == "potential_victim"


# Rule 2 — children


def test_a_child_with_exploitation_and_a_recorded_act_is_a_presumed_victim_without_means() -> None:
    result = screen(["EX.S1", "EX.M1"], age=15, act_recorded=True)
    rule = result.profiles["CL"].rule
    assert (rule.clause, rule.satisfied, rule.missing) == ("child", True, ())
    assert not any(
        result.profiles["CL"].dimensions[code].present for code in ("DR", "CR", "VR", "CD", "VD")
    )
    assert result.outcome == "presumed_victim"


@pytest.mark.parametrize("other", ["DR", "CR", "VR", "CD", "VD"])
def test_a_child_with_exploitation_and_any_other_dimension_is_a_presumed_victim(
    other: str,
) -> None:
    result = screen(["EX.S1", "EX.S2", f"{other}.S1", f"{other}.S2"], age=15)
    assert result.profiles["CL"].rule.satisfied
    assert result.outcome == "presumed_victim"


def test_a_child_with_exploitation_alone_misses_the_act() -> None:
    result = screen(["EX.S1", "EX.S2"], age=15)
    assert result.profiles["CL"].rule.missing == ("act",)
    assert result.outcome == "potential_victim"


def test_a_child_with_an_act_but_no_exploitation_misses_exploitation() -> None:
    result = screen(["CD.S1", "CD.S2"], age=15, act_recorded=True)
    assert result.profiles["CL"].rule.missing == ("exploitation",)
    assert result.outcome == "potential_victim"


def test_a_child_with_nothing_present_and_no_act_misses_exploitation_and_act() -> None:
    result = screen([], age=15)
    assert result.profiles["CL"].rule.missing == ("exploitation", "act")
    assert result.outcome == "no_indication"


def test_a_child_presumed_victim_needs_less_than_an_adult_one() -> None:
    yes = ["EX.S1", "EX.S2", "CD.S1", "CD.S2"]
    assert screen(yes, age=17).outcome == "presumed_victim"
    assert screen(yes, age=18).outcome == "potential_victim"


# Age and the child population


@pytest.mark.parametrize(
    ("age", "possibly_minor", "child"),
    [
        (0, False, True),
        (17, False, True),
        (17, True, True),
        (18, False, False),
        (18, True, False),
        (45, False, False),
        (None, True, True),
        (None, False, False),
    ],
)
def test_a_child_is_under_18_or_of_unknown_age_and_possibly_a_minor(
    age: int | None, possibly_minor: bool, child: bool
) -> None:
    assert is_child(age, possibly_minor) is child
    result = screen([], age=age, possibly_minor=possibly_minor)
    assert result.population == ("child" if child else "adult")
    assert set(result.profiles) == ({"CL", "CS"} if child else {"AL", "AS"})


def test_a_person_of_unknown_age_who_may_be_a_minor_is_screened_under_the_child_rule() -> None:
    result = screen(["EX.S1", "EX.S2"], age=None, possibly_minor=True, act_recorded=True)
    assert result.population == "child"
    assert result.outcome == "presumed_victim"


# Profiles and the suspected exploitation forms


@pytest.mark.parametrize(
    ("forms", "adult_profiles", "child_profiles"),
    [
        ([], ["AL", "AS"], ["CL", "CS"]),
        (["sexual"], ["AS"], ["CS"]),
        (["labour"], ["AL"], ["CL"]),
        (["begging"], ["AL"], ["CL"]),
        (["criminal_activities"], ["AL"], ["CL"]),
        (["domestic_servitude"], ["AL"], ["CL"]),
        (["slavery"], ["AL"], ["CL"]),
        (["sexual", "begging"], ["AL", "AS"], ["CL", "CS"]),
        (["forced_marriage"], ["AL", "AS"], ["CL", "CS"]),
        (["illegal_adoption", "surrogacy"], ["AL", "AS"], ["CL", "CS"]),
        (["organ_removal", "other"], ["AL", "AS"], ["CL", "CS"]),
        (["forced_marriage", "sexual"], ["AS"], ["CS"]),
        (["other", "labour"], ["AL"], ["CL"]),
        (["not_a_form"], ["AL", "AS"], ["CL", "CS"]),
    ],
)
def test_the_suspected_forms_select_the_profiles_of_the_age_group(
    forms: list[str], adult_profiles: list[str], child_profiles: list[str]
) -> None:
    assert list(screen([], age=30, forms=forms).profiles) == adult_profiles
    assert list(screen([], age=12, forms=forms).profiles) == child_profiles


def test_the_exploitation_forms_are_the_eleven_codes_of_the_domain() -> None:
    assert set(EXPLOITATION_FORMS) == {
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
    }


# Outcomes and the decisive profile


def test_one_strong_indicator_alone_makes_a_potential_victim() -> None:
    result = screen(["CR.S1"])
    assert result.outcome == "potential_victim"
    assert result.profiles["AL"].strong_indicators == ("CR.S1",)


def test_a_present_dimension_without_a_strong_indicator_makes_a_potential_victim() -> None:
    result = screen(["VR.M1", "VR.M2", "VR.M3"])
    assert result.outcome == "potential_victim"
    assert result.profiles["AL"].strong_indicators == ()


def test_weak_and_medium_signals_below_rule_1_make_no_indication() -> None:
    assert screen(["DR.M1", "DR.M2", "CR.W1", "EX.M1", "EX.W1"]).outcome == "no_indication"


def test_no_answers_make_no_indication() -> None:
    assert screen([]).outcome == "no_indication"


def test_the_decisive_profile_is_the_first_in_order_when_profiles_tie() -> None:
    adult = screen(["DR.S1"])
    child = screen(["DR.S1"], age=10)
    assert (adult.decisive_profile, adult.profiles["AS"].outcome) == ("AL", "potential_victim")
    assert (child.decisive_profile, child.profiles["CS"].outcome) == ("CL", "potential_victim")


def test_the_decisive_profile_is_the_one_that_reached_the_screening_outcome() -> None:
    sexual_only = Indicator("EX.X1", "EX", {"AL": None, "AS": "strong", "CL": None, "CS": None})
    result = screen(["EX.X1"], indicators=(*SYNTHETIC, sexual_only))
    assert result.profiles["AL"].outcome == "no_indication"
    assert (result.outcome, result.decisive_profile) == ("potential_victim", "AS")


def test_the_decisive_profile_is_the_only_one_evaluated_when_the_forms_select_one() -> None:
    result = screen([], forms=["sexual"])
    assert (result.outcome, result.decisive_profile) == ("no_indication", "AS")


# Unknown answers, ignored indicators and codes outside the catalogue


def test_unknown_answers_are_reported_as_gaps_of_their_dimension() -> None:
    result = screen(["EX.S1"], unknown=["EX.M1", "EX.W3", "CD.S1"], no=["EX.M2"])
    ex = result.profiles["AL"].dimensions["EX"]
    assert (ex.unknown, ex.unknown_indicators) == (2, ("EX.M1", "EX.W3"))
    assert result.profiles["AL"].dimensions["CD"].unknown == 1


def test_unknown_answers_never_count_towards_a_dimension() -> None:
    result = screen(["EX.S1"], unknown=["EX.S2", "EX.M1", "EX.M2"])
    ex = result.profiles["AL"].dimensions["EX"]
    assert (ex.present, ex.counted) == (False, ("EX.S1",))


def test_unknown_answers_alone_make_no_indication() -> None:
    codes = [indicator.code for indicator in SYNTHETIC]
    assert screen([], unknown=codes).outcome == "no_indication"


def test_an_indicator_outside_a_profile_is_ignored_there_and_counted_elsewhere() -> None:
    # EX.10 (no choice of clients or acts) is not part of the labour profile.
    result = screen(["EX.10", "EX.02", "EX.04"], indicators=V1)
    al, as_ = result.profiles["AL"], result.profiles["AS"]
    assert al.ignored == ("EX.10",)
    assert al.dimensions["EX"].counted == ("EX.02", "EX.04")
    assert al.dimensions["EX"].present is False
    assert as_.ignored == ()
    assert as_.dimensions["EX"].counted == ("EX.02", "EX.04", "EX.10")
    assert as_.dimensions["EX"].clause == "three_medium"


def test_an_unknown_answer_outside_a_profile_is_ignored_not_a_gap() -> None:
    result = screen([], unknown=["EX.12"], indicators=V1)
    assert result.profiles["AS"].ignored == ("EX.12",)
    assert result.profiles["AS"].dimensions["EX"].unknown == 0
    assert result.profiles["AL"].dimensions["EX"].unknown_indicators == ("EX.12",)


def test_a_strong_indicator_outside_the_profile_gives_no_signal_there() -> None:
    # EX.12 (forced begging) is strong for labour and not part of the sexual profile.
    result = screen(["EX.12"], forms=["sexual"], indicators=V1)
    assert result.outcome == "no_indication"
    assert result.profiles["AS"].ignored == ("EX.12",)


def test_codes_absent_from_the_catalogue_are_ignored_without_failing() -> None:
    with_stray = screen(["DR.S1", "XX.99", "DR.404"], unknown=["ZZ.01"])
    assert with_stray.to_dict() == screen(["DR.S1"]).to_dict()


def test_indicators_of_a_dimension_outside_the_six_are_not_evaluated() -> None:
    stray = Indicator("QQ.01", "QQ", dict.fromkeys(ALL_PROFILES, "strong"))
    result = screen(["QQ.01"], indicators=(*SYNTHETIC, stray))
    assert result.outcome == "no_indication"
    assert set(result.profiles["AL"].dimensions) == set(DIMENSIONS)


# The worked examples of indicators.md, on catalogue version 1

WORKED_EXAMPLE = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]


def dimension_summary(
    dimensions: Mapping[str, DimensionEvaluation],
) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """The present dimensions only, with their clause and counted indicators."""
    return {
        code: (evaluation.clause, evaluation.counted)
        for code, evaluation in dimensions.items()
        if evaluation.present
    }


def test_worked_example_adult_labour_presumed_victim() -> None:
    al = screen(WORKED_EXAMPLE, age=30, indicators=V1).profiles["AL"]
    assert al.outcome == "presumed_victim"
    assert dimension_summary(al.dimensions) == {
        "DR": ("strong_and_other", ("DR.01", "DR.02")),
        "EX": ("strong_and_other", ("EX.01", "EX.04")),
        "CD": ("two_strong", ("CD.01", "CD.04")),
    }


def test_worked_example_same_answers_under_adult_sexual_are_a_potential_victim() -> None:
    result = screen(WORKED_EXAMPLE, age=30, indicators=V1)
    as_ = result.profiles["AS"]
    assert as_.outcome == "potential_victim"
    assert as_.rule.missing == ("exploitation",)
    assert as_.dimensions["EX"].present is False
    assert as_.dimensions["EX"].counted == ("EX.01", "EX.04")
    assert (result.outcome, result.decisive_profile) == ("presumed_victim", "AL")


def test_worked_example_one_strong_indicator_only_is_a_potential_victim() -> None:
    result = screen(["DR.01"], age=30, indicators=V1)
    assert result.outcome == "potential_victim"
    for profile in ("AL", "AS"):
        evaluation = result.profiles[profile]
        assert not any(d.present for d in evaluation.dimensions.values())
        assert evaluation.strong_indicators == ("DR.01",)


def test_worked_example_weak_indicators_only_give_no_indication() -> None:
    result = screen(["VR.15", "VR.16", "CD.15"], age=30, indicators=V1)
    assert result.outcome == "no_indication"
    assert all(not d.present for p in result.profiles.values() for d in p.dimensions.values())


def test_worked_example_child_sexual_exploitation_with_an_act_is_a_presumed_victim() -> None:
    result = screen(["EX.14", "EX.02"], age=16, act_recorded=True, indicators=V1)
    cs = result.profiles["CS"]
    assert cs.outcome == "presumed_victim"
    assert dimension_summary(cs.dimensions) == {"EX": ("strong_and_other", ("EX.02", "EX.14"))}
    assert (result.outcome, result.population, result.decisive_profile) == (
        "presumed_victim",
        "child",
        "CS",
    )
    # Under the labour profile EX.14 does not exist and EX.02 alone makes nothing present.
    assert result.profiles["CL"].ignored == ("EX.14",)
    assert result.profiles["CL"].outcome == "no_indication"


def test_the_engine_is_pure_and_never_reads_the_catalogue_module() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"collections.abc", "dataclasses", "typing"}


# The explanation as JSON (API.md)


def test_to_dict_has_the_shape_of_the_api_answer() -> None:
    document = screen(WORKED_EXAMPLE, age=30, indicators=V1).to_dict()
    assert json.loads(json.dumps(document)) == document
    assert {"outcome", "population", "decisive_profile", "profiles", "rule_set_version"} <= set(
        document
    )
    assert document["rule_set_version"] == RULE_SET_VERSION == "1"
    assert list(document["profiles"]) == ["AL", "AS"]
    al = document["profiles"]["AL"]
    assert al["outcome"] == "presumed_victim"
    assert list(al["dimensions"]) == list(DIMENSIONS)
    assert al["dimensions"]["DR"] == {
        "present": True,
        "clause": "strong_and_other",
        "counted": ["DR.01", "DR.02"],
        "unknown": 0,
        "unknown_indicators": [],
    }
    assert al["dimensions"]["VD"]["clause"] is None
    assert al["rule"] == {
        "clause": "adult",
        "satisfied": True,
        "missing": [],
        "act_recorded": False,
    }
    assert document["profiles"]["AS"]["rule"]["missing"] == ["exploitation"]
    assert al["strong_indicators"] == ["CD.01", "CD.04", "DR.01", "EX.01"]
    assert al["ignored"] == []


# Properties

ANSWERS = st.sampled_from(["yes", "no", "unknown"])
V1_ANSWERS = st.dictionaries(st.sampled_from(V1_CODES), ANSWERS, max_size=40)
AGES = st.one_of(st.none(), st.integers(min_value=0, max_value=120))
FORMS = st.sets(st.sampled_from(EXPLOITATION_FORMS), max_size=3)


def _evaluate(
    answers: Mapping[str, str], age: int | None, minor: bool, forms: set[str], act: bool
) -> ScreeningResult:
    return evaluate(
        V1,
        cast(Mapping[str, Answer], answers),
        age=age,
        possibly_minor=minor,
        exploitation_forms=forms,
        act_recorded=act,
    )


@given(V1_ANSWERS, AGES, st.booleans(), FORMS, st.booleans(), st.data())
def test_adding_a_yes_never_lowers_the_outcome(
    answers: dict[str, str],
    age: int | None,
    minor: bool,
    forms: set[str],
    act: bool,
    data: st.DataObject,
) -> None:
    code = data.draw(st.sampled_from([c for c in V1_CODES if answers.get(c) != "yes"]))
    before = _evaluate(answers, age, minor, forms, act)
    after = _evaluate({**answers, code: "yes"}, age, minor, forms, act)
    assert RANK[after.outcome] >= RANK[before.outcome]
    for profile, evaluation in after.profiles.items():
        assert RANK[evaluation.outcome] >= RANK[before.profiles[profile].outcome]


@given(V1_ANSWERS, AGES, st.booleans(), FORMS, st.booleans())
def test_the_same_screening_always_gives_the_same_result(
    answers: dict[str, str], age: int | None, minor: bool, forms: set[str], act: bool
) -> None:
    first = _evaluate(answers, age, minor, forms, act).to_dict()
    again = _evaluate(dict(answers), age, minor, set(forms), act).to_dict()
    reordered = _evaluate(dict(reversed(answers.items())), age, minor, forms, act).to_dict()
    assert first == again == reordered


@given(V1_ANSWERS, AGES, st.booleans(), FORMS, st.booleans(), st.data())
def test_swapping_unknown_and_no_never_changes_the_outcome(
    answers: dict[str, str],
    age: int | None,
    minor: bool,
    forms: set[str],
    act: bool,
    data: st.DataObject,
) -> None:
    not_yes = sorted(code for code, answer in answers.items() if answer != "yes")
    flipped = data.draw(st.sets(st.sampled_from(not_yes)) if not_yes else st.just(set()))
    swapped = {
        code: ({"no": "unknown", "unknown": "no"}[answer] if code in flipped else answer)
        for code, answer in answers.items()
    }
    before = _evaluate(answers, age, minor, forms, act)
    after = _evaluate(swapped, age, minor, forms, act)
    assert after.outcome == before.outcome
    assert {p: e.outcome for p, e in after.profiles.items()} == {
        p: e.outcome for p, e in before.profiles.items()
    }


@given(V1_ANSWERS, AGES, st.booleans(), FORMS, st.booleans())
def test_the_screening_outcome_is_the_strongest_profile_and_the_decisive_one_reached_it(
    answers: dict[str, str], age: int | None, minor: bool, forms: set[str], act: bool
) -> None:
    result = _evaluate(answers, age, minor, forms, act)
    outcomes = [evaluation.outcome for evaluation in result.profiles.values()]
    assert RANK[result.outcome] == max(RANK[outcome] for outcome in outcomes)
    assert result.decisive_profile in result.profiles
    assert result.profiles[result.decisive_profile].outcome == result.outcome
    earlier = ALL_PROFILES[: ALL_PROFILES.index(result.decisive_profile)]
    assert all(
        result.profiles[p].outcome != result.outcome for p in earlier if p in result.profiles
    )


@given(V1_ANSWERS, AGES, st.booleans(), FORMS, st.booleans())
def test_every_yes_of_a_profile_is_counted_once_and_every_other_answer_never(
    answers: dict[str, str], age: int | None, minor: bool, forms: set[str], act: bool
) -> None:
    result = _evaluate(answers, age, minor, forms, act)
    by_code = {indicator.code: indicator for indicator in V1}
    for profile, evaluation in result.profiles.items():
        counted = [c for d in evaluation.dimensions.values() for c in d.counted]
        expected = sorted(
            code
            for code, answer in answers.items()
            if answer == "yes" and by_code[code].strengths[profile] is not None
        )
        assert sorted(counted) == expected
        gaps = sum(d.unknown for d in evaluation.dimensions.values())
        assert gaps == sum(
            1
            for code, answer in answers.items()
            if answer == "unknown" and by_code[code].strengths[profile] is not None
        )
