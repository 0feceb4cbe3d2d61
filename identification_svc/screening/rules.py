"""The screening engine: catalogue rows + answers + age facts -> outcome and explanation.

Owns rule set version 1 of the national mechanism (identification.md, indicators.md):

- rule 1, when a dimension is present (two strong; one strong and one medium or weak;
  three medium; two medium and one weak — the first clause that holds is reported);
- rule 2, when a person is a presumed victim (adult: recruitment, exploitation and
  destination; child: exploitation and either a dimension other than EX or a recorded act);
- which profiles a screening is evaluated under (age group, narrowed by suspected forms);
- the outcome per profile and of the screening, with everything that explains it.

It is a pure, deterministic function: no database, no clock, no I/O, so a stored screening
re-evaluates to the same result forever for the same catalogue rows and rule set version.

Validating input is the service's job (unknown or duplicate codes, answers outside
yes/no/unknown). The engine still never fails on imperfect input, it ignores what it cannot
use: an answer whose code is not among the indicators given, an indicator whose dimension is
not one of the six, and an unknown exploitation form (which restricts no profile). When two
indicators share a code, the last one given wins.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

RULE_SET_VERSION: Final = "1"

Profile = Literal["AL", "AS", "CL", "CS"]
Strength = Literal["strong", "medium", "weak"]
Answer = Literal["yes", "no", "unknown"]
Outcome = Literal["presumed_victim", "potential_victim", "no_indication"]
Population = Literal["adult", "child"]
Clause = Literal["two_strong", "strong_and_other", "three_medium", "two_medium_one_weak"]
RuleGroup = Literal["recruitment", "exploitation", "destination", "act"]

PROFILES: Final[tuple[Profile, ...]] = ("AL", "AS", "CL", "CS")
DIMENSION_CODES: Final = ("DR", "CR", "VR", "EX", "CD", "VD")
ADULT_AGE: Final = 18

_RECRUITMENT: Final = ("DR", "CR", "VR")
_DESTINATION: Final = ("CD", "VD")
_MEANS_OR_ACT: Final = ("DR", "CR", "VR", "CD", "VD")

# Forms absent from this table (organ removal, forced marriage, illegal adoption, surrogacy,
# other) have no indicator list of their own yet, so they narrow nothing.
_KIND_OF_FORM: Final[Mapping[str, Literal["labour", "sexual"]]] = {
    "sexual": "sexual",
    "labour": "labour",
    "begging": "labour",
    "criminal_activities": "labour",
    "domestic_servitude": "labour",
    "slavery": "labour",
}
_PROFILE_OF: Final[Mapping[tuple[Population, str], Profile]] = {
    ("adult", "labour"): "AL",
    ("adult", "sexual"): "AS",
    ("child", "labour"): "CL",
    ("child", "sexual"): "CS",
}
_RANK: Final[Mapping[Outcome, int]] = {
    "no_indication": 0,
    "potential_victim": 1,
    "presumed_victim": 2,
}


@dataclass(frozen=True)
class Indicator:
    """What the engine needs of a catalogue row; strength None = not part of that profile."""

    code: str
    dimension: str
    strengths: Mapping[Profile, Strength | None]


@dataclass(frozen=True)
class DimensionEvaluation:
    present: bool
    clause: Clause | None
    counted: tuple[str, ...]
    """Codes answered "yes" that belong to the profile, sorted; all of them, not only
    the ones the clause needed."""
    unknown_indicators: tuple[str, ...]
    """Codes of the profile answered "unknown": the gaps to go back to."""

    @property
    def unknown(self) -> int:
        return len(self.unknown_indicators)

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "clause": self.clause,
            "counted": list(self.counted),
            "unknown": self.unknown,
            "unknown_indicators": list(self.unknown_indicators),
        }


@dataclass(frozen=True)
class RuleEvaluation:
    """Rule 2 under one profile: which clause applied, whether it held, which groups failed."""

    clause: Population
    satisfied: bool
    missing: tuple[RuleGroup, ...]
    act_recorded: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "satisfied": self.satisfied,
            "missing": list(self.missing),
            "act_recorded": self.act_recorded,
        }


@dataclass(frozen=True)
class ProfileEvaluation:
    profile: Profile
    outcome: Outcome
    dimensions: Mapping[str, DimensionEvaluation]
    rule: RuleEvaluation
    strong_indicators: tuple[str, ...]
    """Codes answered "yes" that are strong under this profile: the signal behind a
    potential outcome when no dimension is present."""
    ignored: tuple[str, ...]
    """Codes answered (whatever the answer) that are not part of this profile."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "dimensions": {code: dim.to_dict() for code, dim in self.dimensions.items()},
            "rule": self.rule.to_dict(),
            "strong_indicators": list(self.strong_indicators),
            "ignored": list(self.ignored),
        }


@dataclass(frozen=True)
class ScreeningResult:
    outcome: Outcome
    population: Population
    decisive_profile: Profile
    profiles: Mapping[Profile, ProfileEvaluation]
    rule_set_version: str = RULE_SET_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The evaluation part of the screening resource of API.md (the service adds id,
        case_id, catalogue_version and created_at)."""
        return {
            "outcome": self.outcome,
            "population": self.population,
            "decisive_profile": self.decisive_profile,
            "profiles": {code: evaluation.to_dict() for code, evaluation in self.profiles.items()},
            "rule_set_version": self.rule_set_version,
        }


def is_child(age: int | None, possibly_minor: bool) -> bool:
    """Under 18; or, with no age known, a person there is reason to believe is a minor
    (Council of Europe Convention, art. 10(3)). A stated age decides on its own."""
    if age is not None:
        return age < ADULT_AGE
    return possibly_minor


def profiles_for(population: Population, exploitation_forms: Collection[str]) -> list[Profile]:
    """The profiles a screening is evaluated under, in the order AL, AS, CL, CS."""
    kinds = {_KIND_OF_FORM[form] for form in exploitation_forms if form in _KIND_OF_FORM}
    if not kinds:
        kinds = {"labour", "sexual"}
    chosen = {_PROFILE_OF[population, kind] for kind in kinds}
    return [profile for profile in PROFILES if profile in chosen]


def dimension_clause(strong: int, medium: int, weak: int) -> Clause | None:
    """Rule 1 on the numbers of "yes" answers by strength; the first clause that holds."""
    if strong >= 2:
        return "two_strong"
    if strong >= 1 and medium + weak >= 1:
        return "strong_and_other"
    if medium >= 3:
        return "three_medium"
    if medium >= 2 and weak >= 1:
        return "two_medium_one_weak"
    return None


def evaluate(
    indicators: Sequence[Indicator],
    answers: Mapping[str, Answer],
    *,
    age: int | None,
    possibly_minor: bool,
    exploitation_forms: Collection[str],
    act_recorded: bool,
) -> ScreeningResult:
    """Evaluate one screening under every profile that applies and pick the strongest."""
    population: Population = "child" if is_child(age, possibly_minor) else "adult"
    by_code = {indicator.code: indicator for indicator in indicators}
    usable = {
        code: answer
        for code, answer in answers.items()
        if code in by_code and by_code[code].dimension in DIMENSION_CODES
    }
    evaluations = {
        profile: _evaluate_profile(profile, population, by_code, usable, act_recorded)
        for profile in profiles_for(population, exploitation_forms)
    }
    outcome = max((e.outcome for e in evaluations.values()), key=_RANK.__getitem__)
    decisive = next(profile for profile, e in evaluations.items() if e.outcome == outcome)
    return ScreeningResult(
        outcome=outcome,
        population=population,
        decisive_profile=decisive,
        profiles=evaluations,
    )


def _evaluate_profile(
    profile: Profile,
    population: Population,
    by_code: Mapping[str, Indicator],
    answers: Mapping[str, Answer],
    act_recorded: bool,
) -> ProfileEvaluation:
    yes: dict[str, list[str]] = {dimension: [] for dimension in DIMENSION_CODES}
    unknown: dict[str, list[str]] = {dimension: [] for dimension in DIMENSION_CODES}
    counts = {dimension: {"strong": 0, "medium": 0, "weak": 0} for dimension in DIMENSION_CODES}
    strong_yes: list[str] = []
    ignored: list[str] = []
    for code, answer in answers.items():
        indicator = by_code[code]
        strength = indicator.strengths.get(profile)
        if strength is None:
            ignored.append(code)
        elif answer == "yes":
            yes[indicator.dimension].append(code)
            counts[indicator.dimension][strength] += 1
            if strength == "strong":
                strong_yes.append(code)
        elif answer == "unknown":
            unknown[indicator.dimension].append(code)

    dimensions: dict[str, DimensionEvaluation] = {}
    for dimension in DIMENSION_CODES:
        clause = dimension_clause(**counts[dimension])
        dimensions[dimension] = DimensionEvaluation(
            present=clause is not None,
            clause=clause,
            counted=tuple(sorted(yes[dimension])),
            unknown_indicators=tuple(sorted(unknown[dimension])),
        )
    present = {dimension for dimension, e in dimensions.items() if e.present}
    rule = _rule_2(population, present, act_recorded)
    outcome: Outcome
    if rule.satisfied:
        outcome = "presumed_victim"
    elif present or strong_yes:
        outcome = "potential_victim"
    else:
        outcome = "no_indication"
    return ProfileEvaluation(
        profile=profile,
        outcome=outcome,
        dimensions=dimensions,
        rule=rule,
        strong_indicators=tuple(sorted(strong_yes)),
        ignored=tuple(sorted(ignored)),
    )


def _rule_2(population: Population, present: set[str], act_recorded: bool) -> RuleEvaluation:
    missing: list[RuleGroup] = []
    if population == "adult":
        if present.isdisjoint(_RECRUITMENT):
            missing.append("recruitment")
        if "EX" not in present:
            missing.append("exploitation")
        if present.isdisjoint(_DESTINATION):
            missing.append("destination")
    else:
        # For a child no means is needed: any other dimension, or the act alone, completes EX.
        if "EX" not in present:
            missing.append("exploitation")
        if present.isdisjoint(_MEANS_OR_ACT) and not act_recorded:
            missing.append("act")
    return RuleEvaluation(
        clause=population,
        satisfied=not missing,
        missing=tuple(missing),
        act_recorded=act_recorded,
    )
