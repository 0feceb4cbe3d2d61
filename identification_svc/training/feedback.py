"""What a practice screening tells the trainee (pure: no database, no framework).

`explain` puts the engine's evaluation into sentences, in Romanian or English: the
population and profiles evaluated; for each profile its outcome, the dimensions present
(with the clause of rule 1 that made them so and the indicators counted), the groups rule 2
missed and the gaps left by "unknown" answers; and what the outcome tells the practitioner
(identification.md, Outcomes). `compare` sets the trainee's result beside a vignette's:
the outcome and population expected, and the indicators the trainee missed or added.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from identification_svc.screening.rules import Answer, ProfileEvaluation, ScreeningResult
from identification_svc.training.vignettes import Vignette

_PHRASES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "adult": "an adult",
        "child": "a child",
        "evaluated": "Evaluated as {population} under {profiles}.",
        "AL": "AL (adult, labour)",
        "AS": "AS (adult, sexual exploitation)",
        "CL": "CL (child, labour)",
        "CS": "CS (child, sexual exploitation)",
        "presumed_victim": "presumed victim",
        "potential_victim": "potential victim",
        "no_indication": "no indication",
        "two_strong": "two strong",
        "strong_and_other": "one strong and another",
        "three_medium": "three medium",
        "two_medium_one_weak": "two medium and one weak",
        "recruitment": "recruitment",
        "exploitation": "exploitation",
        "destination": "destination",
        "act": "the act",
        "present": "Present: {dimensions}.",
        "none_present": "No dimension present.",
        "strong": "Strong indicators answered yes: {codes}.",
        "rule_holds": "Rule 2 for {population} holds.",
        "rule_missing": "Missing for rule 2: {groups}.",
        "unknown": "Unknown answers: {gaps}.",
        "unknown_in": "{count} in {dimension}",
        "outcome": "Outcome: {outcome}, decided under {profile}. {told}",
        "told_presumed_victim": "Refer now; the person is a presumed victim under the mechanism.",
        "told_potential_victim": (
            "Further assessment is needed; treat the person as a potential victim, protect "
            "them and screen again."
        ),
        "told_no_indication": (
            "No trafficking indication from these answers; other support may still be needed."
        ),
    },
    "ro": {
        "adult": "adult",
        "child": "copil",
        "evaluated": "Evaluat ca {population} după {profiles}.",
        "AL": "AL (adult, muncă)",
        "AS": "AS (adult, exploatare sexuală)",
        "CL": "CL (copil, muncă)",
        "CS": "CS (copil, exploatare sexuală)",
        "presumed_victim": "victimă prezumată",
        "potential_victim": "victimă potențială",
        "no_indication": "nicio indicație",
        "two_strong": "două puternice",
        "strong_and_other": "unul puternic și altul",
        "three_medium": "trei medii",
        "two_medium_one_weak": "două medii și unul slab",
        "recruitment": "recrutare",
        "exploitation": "exploatare",
        "destination": "destinație",
        "act": "actul",
        "present": "Prezente: {dimensions}.",
        "none_present": "Nicio dimensiune prezentă.",
        "strong": "Indicatoare puternice cu răspunsul da: {codes}.",
        "rule_holds": "Regula 2 pentru {population} este îndeplinită.",
        "rule_missing": "Lipsesc pentru regula 2: {groups}.",
        "unknown": "Răspunsuri necunoscute: {gaps}.",
        "unknown_in": "{count} la {dimension}",
        "outcome": "Rezultat: {outcome}, decis după {profile}. {told}",
        "told_presumed_victim": (
            "Referiți acum; persoana este victimă prezumată în cadrul mecanismului."
        ),
        "told_potential_victim": (
            "Este nevoie de evaluare suplimentară; tratați persoana ca victimă potențială, "
            "protejați-o și reluați screeningul."
        ),
        "told_no_indication": (
            "Nicio indicație de trafic din aceste răspunsuri; poate fi totuși nevoie de alt "
            "sprijin."
        ),
    },
}


def explain(result: ScreeningResult, language: str) -> list[str]:
    """The evaluation in sentences: one for what was evaluated, one per profile, and one
    for the outcome and what it tells the practitioner."""
    say = _PHRASES[language]
    population = say[result.population]
    lines = [
        say["evaluated"].format(
            population=population, profiles=", ".join(say[p] for p in result.profiles)
        )
    ]
    lines += [_profile_line(say, e, population) for e in result.profiles.values()]
    lines.append(
        say["outcome"].format(
            outcome=say[result.outcome],
            profile=result.decisive_profile,
            told=say[f"told_{result.outcome}"],
        )
    )
    return lines


def _profile_line(say: Mapping[str, str], evaluation: ProfileEvaluation, population: str) -> str:
    present = [
        f"{code} ({say[d.clause]}: {', '.join(d.counted)})"
        for code, d in evaluation.dimensions.items()
        if d.present and d.clause is not None
    ]
    parts = [f"{evaluation.profile}: {say[evaluation.outcome]}."]
    if present:
        parts.append(say["present"].format(dimensions="; ".join(present)))
    else:
        parts.append(say["none_present"])
        if evaluation.strong_indicators:
            parts.append(say["strong"].format(codes=", ".join(evaluation.strong_indicators)))
    if evaluation.rule.satisfied:
        parts.append(say["rule_holds"].format(population=population))
    else:
        groups = ", ".join(say[group] for group in evaluation.rule.missing)
        parts.append(say["rule_missing"].format(groups=groups))
    gaps = [
        say["unknown_in"].format(count=d.unknown, dimension=code)
        for code, d in evaluation.dimensions.items()
        if d.unknown
    ]
    if gaps:
        parts.append(say["unknown"].format(gaps=", ".join(gaps)))
    return " ".join(parts)


@dataclass(frozen=True)
class Comparison:
    """A trainee's result beside a vignette's expectation."""

    outcome_matches: bool
    population_matches: bool
    # Indicators the vignette answers "yes" that the trainee did not.
    missed: tuple[str, ...]
    # Indicators the trainee answered "yes" that the vignette does not.
    unexpected: tuple[str, ...]


def compare(
    vignette: Vignette, result: ScreeningResult, answers: Mapping[str, Answer]
) -> Comparison:
    said_yes = {code for code, answer in answers.items() if answer == "yes"}
    expected = set(vignette.expected_yes)
    return Comparison(
        outcome_matches=result.outcome == vignette.expected_outcome,
        population_matches=result.population == vignette.expected_population,
        missed=tuple(sorted(expected - said_yes)),
        unexpected=tuple(sorted(said_yes - expected)),
    )
