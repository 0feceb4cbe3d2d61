"""Risk scoring: the pure function from an instrument version, the answers, whether the
person is a child and an optional professional judgement to domain and overall risk levels,
recommended measures and the date the next reassessment is due (domain/risk.md).

Owns the engine's view of an instrument (`Instrument`, `Item`, `MeasureRule` and its
conditions: plain frozen dataclasses the service builds from stored rows), the scoring
rules, and the typed errors a caller's input can provoke. No database, no HTTP and no
clock: the assessment time is passed in, so the same inputs always give the same result.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal, Self, TypedDict, assert_never

Answer = Literal["yes", "no", "unknown"]
Level = Literal["low", "medium", "high"]

ANSWERS: Final[tuple[Answer, ...]] = ("yes", "no", "unknown")
LEVELS: Final[tuple[Level, ...]] = ("low", "medium", "high")
"""Risk levels in increasing order; compare levels by their index here."""

MEDIUM_FROM_SCORE: Final = 3
HIGH_FROM_SCORE: Final = 6
REASSESS_AFTER: Final[Mapping[Level, timedelta]] = {
    "high": timedelta(days=7),
    "medium": timedelta(days=30),
    "low": timedelta(days=90),
}
INCOMPLETE_REASSESS_AFTER: Final = timedelta(days=3)


def level_rank(level: Level) -> int:
    """Position of `level` in `LEVELS` (low 0, medium 1, high 2)."""
    return LEVELS.index(level)


# --- the instrument, as the engine sees it -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    domain: str
    weight: int
    critical: bool = False
    child_only: bool = False

    def __post_init__(self) -> None:
        # A negative weight would let a further "yes" lower a level.
        if self.weight < 0:
            raise ValueError(f"item {self.code}: weight must not be negative")


@dataclass(frozen=True, slots=True)
class DomainLevelAtLeast:
    """Holds when the domain is applicable and its level is `level` or higher."""

    domain: str
    level: Level


@dataclass(frozen=True, slots=True)
class AnyItemYes:
    """Holds when at least one of `items` is answered "yes"."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CriticalItemYes:
    """Holds when a critical item of `domain` is answered "yes"."""

    domain: str


@dataclass(frozen=True, slots=True)
class ChildAssessed:
    """Holds when the assessed person is a child."""


Condition = DomainLevelAtLeast | AnyItemYes | CriticalItemYes | ChildAssessed


@dataclass(frozen=True, slots=True)
class MeasureRule:
    """Recommend `measure` when `when` holds. Part of an instrument version, so a stored
    assessment re-evaluates to the same measures forever."""

    measure: str
    when: Condition

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storage next to the instrument version."""
        condition: dict[str, Any]
        match self.when:
            case DomainLevelAtLeast(domain, level):
                condition = {"kind": "domain_level_at_least", "domain": domain, "level": level}
            case AnyItemYes(items):
                condition = {"kind": "any_item_yes", "items": list(items)}
            case CriticalItemYes(domain):
                condition = {"kind": "critical_item_yes", "domain": domain}
            case ChildAssessed():
                condition = {"kind": "child_assessed"}
            case _:
                assert_never(self.when)
        return {"measure": self.measure, "when": condition}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Inverse of `to_dict`; raises ValueError on a malformed rule."""
        when = data["when"]
        condition: Condition
        match when["kind"]:
            case "domain_level_at_least":
                if when["level"] not in LEVELS:
                    raise ValueError(f"measure rule: unknown level {when['level']!r}")
                condition = DomainLevelAtLeast(str(when["domain"]), when["level"])
            case "any_item_yes":
                condition = AnyItemYes(tuple(str(code) for code in when["items"]))
            case "critical_item_yes":
                condition = CriticalItemYes(str(when["domain"]))
            case "child_assessed":
                condition = ChildAssessed()
            case kind:
                raise ValueError(f"measure rule: unknown condition kind {kind!r}")
        return cls(str(data["measure"]), condition)


@dataclass(frozen=True, slots=True)
class Instrument:
    """One published version of an instrument: its items and its measure rules."""

    code: str
    version: int
    items: tuple[Item, ...]
    measure_rules: tuple[MeasureRule, ...] = ()

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"instrument {self.code} v{self.version}: duplicate {duplicates}")
        # A rule naming an item or domain the version lacks could never fire: a data error.
        for rule in self.measure_rules:
            match rule.when:
                case DomainLevelAtLeast(domain) | CriticalItemYes(domain):
                    if domain not in self.domains:
                        raise ValueError(f"measure {rule.measure}: unknown domain {domain}")
                case AnyItemYes(items):
                    unknown = sorted(set(items) - set(codes))
                    if unknown:
                        raise ValueError(f"measure {rule.measure}: unknown items {unknown}")

    @property
    def domains(self) -> tuple[str, ...]:
        """Domain names in the order of their first item."""
        return tuple(dict.fromkeys(item.domain for item in self.items))


# --- judgement, result and errors -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """A professional's overall level, which may only raise the computed one."""

    level: Level
    reason: str

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")


@dataclass(frozen=True, slots=True)
class DomainScore:
    score: int
    level: Level


class DomainScoreDict(TypedDict):
    score: int
    level: Level


class JudgementDict(TypedDict):
    level: Level
    reason: str


class AssessmentDict(TypedDict):
    instrument: str
    version: int
    domains: dict[str, DomainScoreDict]
    computed_level: Level
    level: Level
    critical_items: list[str]
    unknown_items: list[str]
    incomplete: bool
    measures: list[str]
    judgement: JudgementDict | None
    assessed_at: datetime
    reassess_by: datetime


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    instrument: str
    version: int
    domains: Mapping[str, DomainScore]
    """Applicable domains only (no `child` domain for an adult), in instrument order."""
    computed_level: Level
    level: Level
    """The computed level, or the judgement's when it raised it."""
    critical_items: tuple[str, ...]
    unknown_items: tuple[str, ...]
    """Applicable items answered "unknown" or not answered."""
    incomplete: bool
    measures: tuple[str, ...]
    judgement: Judgement | None
    assessed_at: datetime
    reassess_by: datetime

    def to_dict(self) -> AssessmentDict:
        """The assessment fields of the API answer (the service adds id, case, times)."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "domains": {
                name: {"score": domain.score, "level": domain.level}
                for name, domain in self.domains.items()
            },
            "computed_level": self.computed_level,
            "level": self.level,
            "critical_items": list(self.critical_items),
            "unknown_items": list(self.unknown_items),
            "incomplete": self.incomplete,
            "measures": list(self.measures),
            "judgement": (
                {"level": self.judgement.level, "reason": self.judgement.reason}
                if self.judgement
                else None
            ),
            "assessed_at": self.assessed_at,
            "reassess_by": self.reassess_by,
        }


class RiskAssessmentError(Exception):
    """Base of the errors a caller's input can provoke; the service answers them with 422."""


class UnknownItem(RiskAssessmentError):
    def __init__(self, codes: set[str]) -> None:
        self.codes = tuple(sorted(codes))
        super().__init__(f"not items of this instrument version: {', '.join(self.codes)}")


class ItemNotApplicable(RiskAssessmentError):
    def __init__(self, codes: set[str]) -> None:
        self.codes = tuple(sorted(codes))
        super().__init__(f"items for children only, asked for an adult: {', '.join(self.codes)}")


class JudgementLowersLevel(RiskAssessmentError):
    def __init__(self, computed_level: Level, requested_level: Level) -> None:
        self.computed_level = computed_level
        self.requested_level = requested_level
        super().__init__(
            f"professional judgement may only raise the level: computed {computed_level}, "
            f"judged {requested_level}"
        )


class JudgementReasonRequired(RiskAssessmentError):
    def __init__(self) -> None:
        super().__init__("a professional judgement needs a written reason")


# --- scoring --------------------------------------------------------------------------------


def score(
    instrument: Instrument,
    answers: Mapping[str, Answer],
    *,
    is_child: bool,
    judgement: Judgement | None,
    assessed_at: datetime,
) -> AssessmentResult:
    """Score `answers` against `instrument` as of `assessed_at` (timezone-aware)."""
    if assessed_at.tzinfo is None:
        raise ValueError("assessed_at must be timezone-aware")
    applicable = tuple(item for item in instrument.items if is_child or not item.child_only)
    _check_answers(instrument, applicable, answers)

    given = {item.code: answers.get(item.code, "unknown") for item in applicable}
    yes = {code for code, answer in given.items() if answer == "yes"}
    critical_yes = [item for item in applicable if item.critical and item.code in yes]
    critical_domains = {item.domain for item in critical_yes}

    domains: dict[str, DomainScore] = {}
    for domain in dict.fromkeys(item.domain for item in applicable):
        total = sum(
            item.weight for item in applicable if item.domain == domain and item.code in yes
        )
        domain_level: Level = "high" if domain in critical_domains else _level_for(total)
        domains[domain] = DomainScore(total, domain_level)

    computed_level: Level = max((d.level for d in domains.values()), key=level_rank, default="low")
    level = _judged_level(computed_level, judgement)

    unknown_items = tuple(sorted(code for code, answer in given.items() if answer == "unknown"))
    incomplete = 3 * len(unknown_items) > len(applicable)
    due_in = REASSESS_AFTER[level]
    if incomplete:
        due_in = min(due_in, INCOMPLETE_REASSESS_AFTER)

    # Measures follow the computed domain levels: a judgement raises the overall level only.
    measures = tuple(
        dict.fromkeys(
            rule.measure
            for rule in instrument.measure_rules
            if _holds(rule.when, domains, yes, critical_domains, is_child)
        )
    )

    return AssessmentResult(
        instrument=instrument.code,
        version=instrument.version,
        domains=domains,
        computed_level=computed_level,
        level=level,
        critical_items=tuple(sorted(item.code for item in critical_yes)),
        unknown_items=unknown_items,
        incomplete=incomplete,
        measures=measures,
        judgement=judgement,
        assessed_at=assessed_at,
        reassess_by=assessed_at + due_in,
    )


def _check_answers(
    instrument: Instrument, applicable: tuple[Item, ...], answers: Mapping[str, Answer]
) -> None:
    known = {item.code for item in instrument.items}
    unknown = set(answers) - known
    if unknown:
        raise UnknownItem(unknown)
    not_applicable = set(answers) - {item.code for item in applicable}
    if not_applicable:
        raise ItemNotApplicable(not_applicable)
    # The request schema already restricts answers; this guards other callers.
    invalid = sorted(code for code, answer in answers.items() if answer not in ANSWERS)
    if invalid:
        raise ValueError(f"answers must be one of {ANSWERS}: {invalid}")


def _level_for(domain_score: int) -> Level:
    if domain_score >= HIGH_FROM_SCORE:
        return "high"
    if domain_score >= MEDIUM_FROM_SCORE:
        return "medium"
    return "low"


def _judged_level(computed_level: Level, judgement: Judgement | None) -> Level:
    if judgement is None:
        return computed_level
    if not judgement.reason.strip():
        raise JudgementReasonRequired()
    if level_rank(judgement.level) < level_rank(computed_level):
        raise JudgementLowersLevel(computed_level, judgement.level)
    return judgement.level


def _holds(
    condition: Condition,
    domains: Mapping[str, DomainScore],
    yes: set[str],
    critical_domains: set[str],
    is_child: bool,
) -> bool:
    match condition:
        case DomainLevelAtLeast(domain, level):
            scored = domains.get(domain)
            return scored is not None and level_rank(scored.level) >= level_rank(level)
        case AnyItemYes(items):
            return any(code in yes for code in items)
        case CriticalItemYes(domain):
            return domain in critical_domains
        case ChildAssessed():
            return is_child
        case _:
            assert_never(condition)
