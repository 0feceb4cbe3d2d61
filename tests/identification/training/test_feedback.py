"""What a practice screening tells the trainee: the evaluation in sentences, and the
comparison with a vignette."""

from identification_svc.catalogue.v1 import INDICATORS_V1
from identification_svc.screening.rules import Answer, Indicator, ScreeningResult, evaluate
from identification_svc.training.feedback import compare, explain
from identification_svc.training.vignettes import BY_CODE

CATALOGUE = [Indicator(i.code, i.dimension, i.strengths) for i in INDICATORS_V1]  # type: ignore[arg-type]


def adult(*yes: str, unknown: tuple[str, ...] = (), forms: tuple[str, ...] = ()) -> ScreeningResult:
    answers: dict[str, Answer] = dict.fromkeys(yes, "yes")
    answers.update(dict.fromkeys(unknown, "unknown"))
    return evaluate(
        CATALOGUE,
        answers,
        age=30,
        possibly_minor=False,
        exploitation_forms=forms,
        act_recorded=False,
    )


def test_a_presumed_victim_is_explained_profile_by_profile_in_english() -> None:
    result = adult("DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04", unknown=("EX.02",))
    lines = explain(result, "en")
    assert lines[0] == (
        "Evaluated as an adult under AL (adult, labour), AS (adult, sexual exploitation)."
    )
    assert lines[1] == (
        "AL: presumed victim. Present: DR (one strong and another: DR.01, DR.02); "
        "EX (one strong and another: EX.01, EX.04); CD (two strong: CD.01, CD.04). "
        "Rule 2 for an adult holds. Unknown answers: 1 in EX."
    )
    assert lines[2].startswith("AS: potential victim. Present: DR")
    assert "Missing for rule 2: exploitation." in lines[2]
    assert lines[3] == (
        "Outcome: presumed victim, decided under AL. Refer now; the person is a presumed "
        "victim under the mechanism."
    )


def test_a_lone_strong_indicator_is_named_when_no_dimension_is_present_in_romanian() -> None:
    lines = explain(adult("DR.01", forms=("labour",)), "ro")
    assert lines == [
        "Evaluat ca adult după AL (adult, muncă).",
        "AL: victimă potențială. Nicio dimensiune prezentă. Indicatoare puternice cu "
        "răspunsul da: DR.01. Lipsesc pentru regula 2: recrutare, exploatare, destinație.",
        "Rezultat: victimă potențială, decis după AL. Este nevoie de evaluare suplimentară; "
        "tratați persoana ca victimă potențială, protejați-o și reluați screeningul.",
    ]


def test_the_comparison_names_what_was_missed_and_what_was_added() -> None:
    vignette = BY_CODE["V1-01"]
    answers = {"DR.01": "yes", "DR.02": "yes", "EX.01": "yes", "CD.01": "yes", "VR.06": "yes"}
    result = adult(*answers, forms=("labour",))
    found = compare(vignette, result, answers)  # type: ignore[arg-type]
    assert not found.outcome_matches
    assert found.population_matches
    assert found.missed == ("CD.04", "EX.04")
    assert found.unexpected == ("VR.06",)


def test_the_vignettes_own_answers_match_it() -> None:
    vignette = BY_CODE["V1-03"]
    answers = dict.fromkeys(vignette.expected_yes, "yes")
    found = compare(vignette, adult(*vignette.expected_yes, forms=("labour",)), answers)  # type: ignore[arg-type]
    assert (found.outcome_matches, found.missed, found.unexpected) == (True, (), ())
