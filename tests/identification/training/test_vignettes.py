"""The vignettes that ship with catalogue version 1: each one's expected outcome is what the
real engine gives its expected answers on the real catalogue, and each is fully bilingual."""

import pytest

from identification_svc.catalogue.v1 import INDICATORS_V1, VERSION
from identification_svc.fields import Setting
from identification_svc.screening.rules import Indicator, evaluate
from identification_svc.training.vignettes import BY_CODE, VIGNETTES, Vignette, for_catalogue
from shared.vocabulary import EXPLOITATION_FORMS

CATALOGUE = [Indicator(i.code, i.dimension, i.strengths) for i in INDICATORS_V1]  # type: ignore[arg-type]
CODES = {i.code for i in INDICATORS_V1}


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.code)
def test_the_expected_outcome_is_the_engines_on_the_expected_answers(vignette: Vignette) -> None:
    answers = dict.fromkeys(CODES, "no") | dict.fromkeys(vignette.expected_yes, "yes")
    result = evaluate(
        CATALOGUE,
        answers,  # type: ignore[arg-type]
        age=vignette.age,
        possibly_minor=vignette.possibly_minor,
        exploitation_forms=vignette.exploitation_forms,
        act_recorded=vignette.act_recorded,
    )
    assert (result.outcome, result.population) == (
        vignette.expected_outcome,
        vignette.expected_population,
    )


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.code)
def test_each_vignette_uses_version_1_codes_and_both_languages(vignette: Vignette) -> None:
    assert vignette.catalogue_version == VERSION
    assert set(vignette.expected_yes) <= CODES
    assert set(vignette.exploitation_forms) <= set(EXPLOITATION_FORMS)
    assert vignette.setting in Setting.__args__  # type: ignore[attr-defined]
    for text in (vignette.title, vignette.facts, vignette.teaching_note):
        assert set(text) == {"ro", "en"}
        assert all(value.strip() for value in text.values())


def test_the_set_covers_every_outcome_and_both_populations() -> None:
    assert {v.expected_outcome for v in VIGNETTES} == {
        "presumed_victim",
        "potential_victim",
        "no_indication",
    }
    assert {v.expected_population for v in VIGNETTES} == {"adult", "child"}
    assert len(BY_CODE) == len(VIGNETTES)
    assert for_catalogue(1) == VIGNETTES
    assert for_catalogue(2) == ()
