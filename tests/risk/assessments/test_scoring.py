"""Risk scoring as a specification: thresholds, critical items, professional judgement,
incompleteness, applicability, measures and reassessment dates (domain/risk.md)."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from risk_svc.assessments.scoring import (
    ANSWERS,
    LEVELS,
    Answer,
    AnyItemYes,
    AssessmentResult,
    DomainLevelAtLeast,
    Instrument,
    Item,
    ItemNotApplicable,
    Judgement,
    JudgementLowersLevel,
    JudgementReasonRequired,
    Level,
    MeasureRule,
    UnknownItem,
    level_rank,
    score,
)
from risk_svc.instruments import v1

INITIAL = v1.INITIAL.to_instrument()
PRE_RETURN = v1.PRE_RETURN.to_instrument()
AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def applicable_codes(instrument: Instrument, *, is_child: bool) -> list[str]:
    return [item.code for item in instrument.items if is_child or not item.child_only]


def assess(
    instrument: Instrument = INITIAL,
    yes: Iterable[str] = (),
    *,
    is_child: bool = False,
    unknown: Iterable[str] = (),
    judgement: Judgement | None = None,
) -> AssessmentResult:
    """Every applicable item answered "no" except those listed as "yes" or "unknown"."""
    answers: dict[str, Answer] = dict.fromkeys(
        applicable_codes(instrument, is_child=is_child), "no"
    )
    answers.update(dict.fromkeys(yes, "yes"))
    answers.update(dict.fromkeys(unknown, "unknown"))
    return score(instrument, answers, is_child=is_child, judgement=judgement, assessed_at=AT)


# --- the examples -------------------------------------------------------------------


def test_adult_threatened_since_leaving_is_high_with_shelter_and_police_protection() -> None:
    result = assess(yes=["SAF-02"])

    assert result.level == result.computed_level == "high"
    assert result.domains["safety"].level == "high"
    assert result.critical_items == ("SAF-02",)
    assert {"secure_shelter", "police_protection"} <= set(result.measures)


def test_weights_adding_to_five_in_one_domain_without_a_critical_item_are_medium() -> None:
    result = assess(yes=["SAF-01", "SAF-04"])

    assert result.domains["safety"].score == 5
    assert result.domains["safety"].level == "medium"
    assert result.level == "medium"
    assert result.critical_items == ()


# --- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "yes", "is_child", "domain", "expected_score", "expected_level"),
    [
        (INITIAL, ["SAF-04"], False, "safety", 2, "low"),
        (INITIAL, ["SAF-01"], False, "safety", 3, "medium"),
        (INITIAL, ["SAF-01", "SAF-04"], False, "safety", 5, "medium"),
        (INITIAL, ["SAF-01", "SAF-03"], False, "safety", 6, "high"),
        (INITIAL, ["RET-02"], False, "re_trafficking", 2, "low"),
        (INITIAL, ["RET-01"], False, "re_trafficking", 3, "medium"),
        (INITIAL, ["RET-01", "RET-02"], False, "re_trafficking", 5, "medium"),
        (INITIAL, ["RET-01", "RET-04"], False, "re_trafficking", 6, "high"),
        (INITIAL, ["HEA-03"], False, "health", 2, "low"),
        (INITIAL, ["HEA-03", "HEA-04"], False, "health", 4, "medium"),
        (INITIAL, ["HEA-03", "HEA-04", "HEA-05"], False, "health", 6, "high"),
        (INITIAL, ["LEG-01"], False, "legal", 1, "low"),
        (INITIAL, ["LEG-02"], False, "legal", 3, "medium"),
        (INITIAL, ["LEG-02", "LEG-03"], False, "legal", 5, "medium"),
        (INITIAL, ["LEG-01", "LEG-02", "LEG-03"], False, "legal", 6, "high"),
        (INITIAL, ["CHI-04"], True, "child", 2, "low"),
        (INITIAL, ["CHI-03"], True, "child", 3, "medium"),
        (INITIAL, ["CHI-03", "CHI-04"], True, "child", 5, "medium"),
        (PRE_RETURN, ["PRR-03"], False, "return", 2, "low"),
        (PRE_RETURN, ["PRR-03", "PRR-05"], False, "return", 3, "medium"),
        (PRE_RETURN, ["PRR-03", "PRR-04", "PRR-05"], False, "return", 5, "medium"),
        (PRE_RETURN, ["PRR-03", "PRR-04", "PRR-06"], False, "return", 6, "high"),
    ],
)
def test_domain_level_is_low_up_to_2_medium_from_3_to_5_and_high_from_6(
    instrument: Instrument,
    yes: list[str],
    is_child: bool,
    domain: str,
    expected_score: int,
    expected_level: Level,
) -> None:
    result = assess(instrument, yes, is_child=is_child)

    assert result.domains[domain].score == expected_score
    assert result.domains[domain].level == expected_level
    assert result.computed_level == result.level == expected_level


def test_overall_level_is_the_highest_domain_level() -> None:
    result = assess(yes=["SAF-04", "RET-01", "HEA-03", "HEA-04", "HEA-05"])

    assert [d.level for d in result.domains.values()] == ["low", "medium", "high", "low"]
    assert result.computed_level == "high"


def test_nothing_answered_yes_is_low() -> None:
    result = assess()

    assert result.level == "low"
    assert all(d.score == 0 and d.level == "low" for d in result.domains.values())


# --- critical items -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "code", "is_child", "domain"),
    [
        (INITIAL, "SAF-02", False, "safety"),
        (INITIAL, "HEA-01", False, "health"),
        (INITIAL, "HEA-02", False, "health"),
        (INITIAL, "CHI-01", True, "child"),
        (INITIAL, "CHI-02", True, "child"),
        (PRE_RETURN, "PRR-01", False, "return"),
        (PRE_RETURN, "PRR-02", False, "return"),
        (PRE_RETURN, "PRR-08", False, "return"),
    ],
)
def test_a_critical_item_alone_makes_its_domain_and_the_overall_level_high(
    instrument: Instrument, code: str, is_child: bool, domain: str
) -> None:
    result = assess(instrument, [code], is_child=is_child)

    assert result.domains[domain].score == 3
    assert result.domains[domain].level == "high"
    assert result.computed_level == result.level == "high"
    assert result.critical_items == (code,)


@pytest.mark.parametrize("answer", ["no", "unknown"])
def test_a_critical_item_not_answered_yes_does_not_make_high(answer: Answer) -> None:
    result = score(INITIAL, {"SAF-02": answer}, is_child=False, judgement=None, assessed_at=AT)

    assert result.domains["safety"].level == "low"
    assert result.critical_items == ()


def test_critical_items_are_listed_sorted_by_code() -> None:
    result = assess(yes=["HEA-02", "SAF-02", "HEA-01"])

    assert result.critical_items == ("HEA-01", "HEA-02", "SAF-02")


# --- professional judgement -----------------------------------------------------------------


def test_judgement_raises_the_level_and_keeps_the_computed_one() -> None:
    judgement = Judgement("high", "Exploiter seen outside the shelter yesterday.")
    result = assess(yes=["SAF-01"], judgement=judgement)

    assert result.computed_level == "medium"
    assert result.level == "high"
    assert result.judgement == judgement
    assert result.reassess_by == AT + timedelta(days=7)


def test_judgement_at_the_computed_level_is_accepted() -> None:
    result = assess(yes=["SAF-01"], judgement=Judgement("medium", "Confirmed at interview."))

    assert result.computed_level == result.level == "medium"


@pytest.mark.parametrize(("yes", "judged"), [(["SAF-02"], "medium"), (["SAF-01"], "low")])
def test_judgement_may_not_lower_the_level(yes: list[str], judged: Level) -> None:
    with pytest.raises(JudgementLowersLevel) as raised:
        assess(yes=yes, judgement=Judgement(judged, "The person feels safe."))

    assert raised.value.requested_level == judged
    assert raised.value.computed_level == assess(yes=yes).computed_level


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_judgement_needs_a_written_reason(reason: str) -> None:
    with pytest.raises(JudgementReasonRequired):
        assess(judgement=Judgement("high", reason))


def test_judgement_with_an_unknown_level_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        Judgement("severe", "reason")  # type: ignore[arg-type]


def test_judgement_does_not_change_domain_levels_or_measures() -> None:
    result = assess(judgement=Judgement("high", "Credible threat reported by police."))

    assert result.domains["safety"].level == "low"
    assert result.measures == ()


# --- incompleteness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "is_child", "applicable", "most_unknown_still_complete"),
    [(INITIAL, False, 21, 7), (INITIAL, True, 25, 8), (PRE_RETURN, False, 8, 2)],
)
def test_more_than_a_third_unknown_is_incomplete_exactly_a_third_is_not(
    instrument: Instrument, is_child: bool, applicable: int, most_unknown_still_complete: int
) -> None:
    codes = applicable_codes(instrument, is_child=is_child)
    assert len(codes) == applicable

    at_limit = assess(instrument, is_child=is_child, unknown=codes[:most_unknown_still_complete])
    over = assess(instrument, is_child=is_child, unknown=codes[: most_unknown_still_complete + 1])

    assert not at_limit.incomplete
    assert over.incomplete


def test_items_not_answered_count_as_unknown() -> None:
    answered: dict[str, Answer] = dict.fromkeys(applicable_codes(INITIAL, is_child=False)[8:], "no")
    result = score(INITIAL, answered, is_child=False, judgement=None, assessed_at=AT)

    assert result.incomplete
    assert result.unknown_items == tuple(sorted(applicable_codes(INITIAL, is_child=False)[:8]))


def test_incomplete_assessment_keeps_its_level_and_is_due_within_3_days() -> None:
    result = assess(yes=["SAF-02"], unknown=applicable_codes(INITIAL, is_child=False)[8:16])

    assert result.incomplete
    assert result.level == "high"
    assert result.reassess_by == AT + timedelta(days=3)


# --- applicability and unknown items --------------------------------------------------------


@pytest.mark.parametrize("answer", ANSWERS)
def test_child_items_asked_for_an_adult_are_rejected(answer: Answer) -> None:
    with pytest.raises(ItemNotApplicable) as raised:
        score(
            INITIAL,
            {"CHI-03": answer, "SAF-01": "no", "CHI-01": answer},
            is_child=False,
            judgement=None,
            assessed_at=AT,
        )

    assert raised.value.codes == ("CHI-01", "CHI-03")


def test_the_child_domain_is_omitted_for_an_adult_and_scored_for_a_child() -> None:
    assert "child" not in assess().domains
    assert list(assess(is_child=True).domains) == list(INITIAL.domains)


@pytest.mark.parametrize("code", ["SAF-99", "PRR-01", "saf-01"])
def test_answers_to_items_outside_the_instrument_version_are_rejected(code: str) -> None:
    with pytest.raises(UnknownItem) as raised:
        score(INITIAL, {code: "yes"}, is_child=True, judgement=None, assessed_at=AT)

    assert raised.value.codes == (code,)


def test_an_answer_other_than_yes_no_unknown_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="SAF-01"):
        score(INITIAL, {"SAF-01": "maybe"}, is_child=False, judgement=None, assessed_at=AT)  # type: ignore[dict-item]


def test_assessment_time_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        score(INITIAL, {}, is_child=False, judgement=None, assessed_at=datetime(2025, 3, 1))


# --- measures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "yes", "is_child", "measures"),
    [
        (INITIAL, ["SAF-02"], False, ("secure_shelter", "police_protection")),
        (INITIAL, ["SAF-01", "SAF-03"], False, ("secure_shelter", "police_protection")),
        (INITIAL, ["SAF-01", "SAF-04"], False, ()),
        (INITIAL, ["SAF-06"], False, ("victim_coordination",)),
        (INITIAL, ["RET-02"], False, ()),
        (INITIAL, ["RET-01"], False, ("reintegration_plan",)),
        (INITIAL, ["RET-01", "RET-04"], False, ("reintegration_plan",)),
        (INITIAL, ["HEA-01"], False, ("urgent_medical", "medical_psych_support")),
        (INITIAL, ["HEA-02"], False, ("urgent_medical", "medical_psych_support")),
        (INITIAL, ["HEA-03"], False, ()),
        (INITIAL, ["HEA-03", "HEA-04"], False, ("medical_psych_support",)),
        (INITIAL, ["HEA-03", "HEA-04", "HEA-05"], False, ("medical_psych_support",)),
        (INITIAL, ["LEG-02"], False, ("non_removal_alert",)),
        (INITIAL, ["LEG-03"], False, ("non_punishment_review",)),
        (INITIAL, [], True, ("child_protection",)),
        (INITIAL, ["CHI-01"], True, ("child_protection", "emergency_placement")),
        (INITIAL, ["CHI-02"], True, ("child_protection", "emergency_placement")),
        (INITIAL, ["CHI-01", "CHI-02"], True, ("child_protection", "emergency_placement")),
        (INITIAL, ["CHI-03", "CHI-04"], True, ("child_protection",)),
        (PRE_RETURN, [], True, ("child_protection",)),
        (PRE_RETURN, ["PRR-01", "PRR-07"], False, ()),
    ],
)
def test_each_measure_is_recommended_exactly_when_its_condition_holds(
    instrument: Instrument, yes: list[str], is_child: bool, measures: tuple[str, ...]
) -> None:
    assert assess(instrument, yes, is_child=is_child).measures == measures


def test_measures_come_in_the_instrument_rule_order_without_repeats() -> None:
    instrument = Instrument(
        "test",
        1,
        (Item("A", "a", 3), Item("B", "a", 3)),
        (
            MeasureRule("second", AnyItemYes(("B",))),
            MeasureRule("first", AnyItemYes(("A",))),
            MeasureRule("second", DomainLevelAtLeast("a", "high")),
        ),
    )
    result = score(
        instrument, {"A": "yes", "B": "yes"}, is_child=False, judgement=None, assessed_at=AT
    )

    assert result.measures == ("second", "first")


# --- reassessment ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "level", "days"), [([], "low", 90), (["SAF-01"], "medium", 30), (["SAF-02"], "high", 7)]
)
def test_reassessment_is_due_7_30_or_90_days_after_a_high_medium_or_low_assessment(
    yes: list[str], level: Level, days: int
) -> None:
    result = assess(yes=yes)

    assert result.level == level
    assert result.assessed_at == AT
    assert result.reassess_by == AT + timedelta(days=days)


# --- result shape ---------------------------------------------------------------------------


def test_to_dict_has_the_api_assessment_fields() -> None:
    result = assess(yes=["SAF-02", "LEG-02"], unknown=["RET-01"])

    assert result.to_dict() == {
        "instrument": "initial",
        "version": 1,
        "domains": {
            "safety": {"score": 3, "level": "high"},
            "re_trafficking": {"score": 0, "level": "low"},
            "health": {"score": 0, "level": "low"},
            "legal": {"score": 3, "level": "medium"},
        },
        "computed_level": "high",
        "level": "high",
        "critical_items": ["SAF-02"],
        "unknown_items": ["RET-01"],
        "incomplete": False,
        "measures": ["secure_shelter", "police_protection", "non_removal_alert"],
        "judgement": None,
        "assessed_at": AT,
        "reassess_by": AT + timedelta(days=7),
    }


def test_to_dict_carries_the_judgement() -> None:
    result = assess(judgement=Judgement("medium", "Recent threat by phone."))

    assert result.to_dict()["judgement"] == {"level": "medium", "reason": "Recent threat by phone."}


def test_levels_are_ordered_low_medium_high() -> None:
    assert LEVELS == ("low", "medium", "high")
    assert [level_rank(level) for level in LEVELS] == [0, 1, 2]


# --- instrument data integrity --------------------------------------------------------------


def test_measure_rules_survive_storage_as_json() -> None:
    for rule in INITIAL.measure_rules + PRE_RETURN.measure_rules:
        assert MeasureRule.from_dict(rule.to_dict()) == rule


@pytest.mark.parametrize(
    "data",
    [
        {"measure": "m", "when": {"kind": "moon_phase"}},
        {"measure": "m", "when": {"kind": "domain_level_at_least", "domain": "a", "level": "x"}},
    ],
)
def test_malformed_stored_measure_rules_are_rejected(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="measure rule: unknown"):
        MeasureRule.from_dict(data)


@pytest.mark.parametrize(
    ("items", "rules", "problem"),
    [
        ((Item("A", "a", 1), Item("A", "b", 1)), (), "duplicate"),
        (
            (Item("A", "a", 1),),
            (MeasureRule("m", DomainLevelAtLeast("b", "high")),),
            "unknown domain",
        ),
        ((Item("A", "a", 1),), (MeasureRule("m", AnyItemYes(("B",))),), "unknown items"),
    ],
)
def test_inconsistent_instruments_are_rejected(
    items: tuple[Item, ...], rules: tuple[MeasureRule, ...], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        Instrument("test", 1, items, rules)


def test_negative_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        Item("A", "a", -1)


# --- properties -----------------------------------------------------------------------------


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Instrument, bool, dict[str, Answer]]:
    """An instrument, child or not, and answers to any subset of its applicable items."""
    instrument = draw(st.sampled_from([INITIAL, PRE_RETURN]))
    is_child = draw(st.booleans())
    codes = applicable_codes(instrument, is_child=is_child)
    answers = draw(
        st.fixed_dictionaries({}, optional={code: st.sampled_from(ANSWERS) for code in codes})
    )
    return instrument, is_child, answers


def plain(instrument: Instrument, answers: dict[str, Answer], is_child: bool) -> AssessmentResult:
    return score(instrument, answers, is_child=is_child, judgement=None, assessed_at=AT)


@given(assessments(), st.data())
def test_a_further_yes_never_lowers_a_level_or_drops_a_measure(
    case: tuple[Instrument, bool, dict[str, Answer]], data: st.DataObject
) -> None:
    instrument, is_child, answers = case
    not_yes = [
        code
        for code in applicable_codes(instrument, is_child=is_child)
        if answers.get(code) != "yes"
    ]
    assume(not_yes)
    flipped = data.draw(st.sampled_from(not_yes))

    before = plain(instrument, answers, is_child)
    after = plain(instrument, answers | {flipped: "yes"}, is_child)

    assert level_rank(after.computed_level) >= level_rank(before.computed_level)
    for name, domain in before.domains.items():
        assert after.domains[name].score >= domain.score
        assert level_rank(after.domains[name].level) >= level_rank(domain.level)
    assert set(before.measures) <= set(after.measures)


@given(assessments())
def test_scoring_is_deterministic_and_ignores_answer_order(
    case: tuple[Instrument, bool, dict[str, Answer]],
) -> None:
    instrument, is_child, answers = case
    reordered = dict(reversed(answers.items()))

    first = plain(instrument, answers, is_child)

    assert plain(instrument, answers, is_child) == first
    assert plain(instrument, reordered, is_child) == first
    assert first.to_dict() == plain(instrument, answers, is_child).to_dict()


@given(assessments(), st.sampled_from(LEVELS))
def test_the_final_level_is_never_below_the_computed_level(
    case: tuple[Instrument, bool, dict[str, Answer]], judged: Level
) -> None:
    instrument, is_child, answers = case
    computed = plain(instrument, answers, is_child).computed_level
    judgement = Judgement(judged, "Professional judgement after the interview.")

    if level_rank(judged) < level_rank(computed):
        with pytest.raises(JudgementLowersLevel):
            score(instrument, answers, is_child=is_child, judgement=judgement, assessed_at=AT)
        return
    result = score(instrument, answers, is_child=is_child, judgement=judgement, assessed_at=AT)
    assert result.computed_level == computed
    assert result.level == judged
    assert level_rank(result.level) >= level_rank(result.computed_level)


@given(assessments())
def test_scores_levels_and_dates_stay_within_their_bounds(
    case: tuple[Instrument, bool, dict[str, Answer]],
) -> None:
    instrument, is_child, answers = case
    result = plain(instrument, answers, is_child)

    for name, domain in result.domains.items():
        weights = [i.weight for i in instrument.items if i.domain == name]
        assert 0 <= domain.score <= sum(weights)
    assert result.level == result.computed_level
    assert set(result.critical_items) <= {i.code for i in instrument.items if i.critical}
    due_in = result.reassess_by - AT
    assert timedelta(days=3) <= due_in <= timedelta(days=90)
    assert not result.incomplete or due_in == timedelta(days=3)
