"""Instruments `initial` v1 and `pre_return` v1 hold exactly the items, weights, flags and
measure rules of domain/risk.md, with complete Romanian and English labels."""

import pytest

from risk_svc.assessments.scoring import (
    AnyItemYes,
    ChildAssessed,
    CriticalItemYes,
    DomainLevelAtLeast,
    Item,
    MeasureRule,
)
from risk_svc.instruments.v1 import (
    INITIAL,
    INSTRUMENTS,
    MEASURES,
    PRE_RETURN,
    ItemDefinition,
    Label,
)

# (code, domain, weight, critical), transcribed from domain/risk.md.
INITIAL_TABLE = [
    ("SAF-01", "safety", 3, False),
    ("SAF-02", "safety", 3, True),
    ("SAF-03", "safety", 3, False),
    ("SAF-04", "safety", 2, False),
    ("SAF-05", "safety", 2, False),
    ("SAF-06", "safety", 1, False),
    ("SAF-07", "safety", 2, False),
    ("RET-01", "re_trafficking", 3, False),
    ("RET-02", "re_trafficking", 2, False),
    ("RET-03", "re_trafficking", 2, False),
    ("RET-04", "re_trafficking", 3, False),
    ("RET-05", "re_trafficking", 2, False),
    ("RET-06", "re_trafficking", 2, False),
    ("HEA-01", "health", 3, True),
    ("HEA-02", "health", 3, True),
    ("HEA-03", "health", 2, False),
    ("HEA-04", "health", 2, False),
    ("HEA-05", "health", 2, False),
    ("LEG-01", "legal", 1, False),
    ("LEG-02", "legal", 3, False),
    ("LEG-03", "legal", 2, False),
    ("CHI-01", "child", 3, True),
    ("CHI-02", "child", 3, True),
    ("CHI-03", "child", 3, False),
    ("CHI-04", "child", 2, False),
]
PRE_RETURN_TABLE = [
    ("PRR-01", "return", 3, True),
    ("PRR-02", "return", 3, True),
    ("PRR-03", "return", 2, False),
    ("PRR-04", "return", 2, False),
    ("PRR-05", "return", 1, False),
    ("PRR-06", "return", 2, False),
    ("PRR-07", "return", 2, False),
    ("PRR-08", "return", 3, True),
]
CEDILLA_LETTERS = "şţŞŢ"  # Romanian takes comma-below ș ț, not the Turkish cedilla forms.


def all_labels() -> list[Label]:
    labels = list(MEASURES.values())
    for instrument in INSTRUMENTS:
        labels += [instrument.label, *instrument.domains.values()]
        labels += [item.label for item in instrument.items]
    return labels


def test_initial_v1_items_weights_and_critical_flags_are_those_of_the_domain_table() -> None:
    assert (INITIAL.code, INITIAL.version) == ("initial", 1)
    assert [(i.code, i.domain, i.weight, i.critical) for i in INITIAL.items] == INITIAL_TABLE


def test_pre_return_v1_items_weights_and_critical_flags_are_those_of_the_domain_table() -> None:
    assert (PRE_RETURN.code, PRE_RETURN.version) == ("pre_return", 1)
    table = [(i.code, i.domain, i.weight, i.critical) for i in PRE_RETURN.items]
    assert table == PRE_RETURN_TABLE


def test_only_child_items_are_child_only() -> None:
    child_only = {i.code for d in INSTRUMENTS for i in d.items if i.child_only}
    assert child_only == {"CHI-01", "CHI-02", "CHI-03", "CHI-04"}


def test_domains_are_declared_in_item_order_and_each_has_items() -> None:
    assert list(INITIAL.domains) == ["safety", "re_trafficking", "health", "legal", "child"]
    assert list(PRE_RETURN.domains) == ["return"]
    for definition in INSTRUMENTS:
        assert list(definition.domains) == list(definition.to_instrument().domains)


@pytest.mark.parametrize("label", all_labels(), ids=lambda label: label.en[:40])
def test_every_label_is_filled_in_both_languages(label: Label) -> None:
    assert label.ro.strip()
    assert label.en.strip()
    assert label.ro != label.en
    assert not set(CEDILLA_LETTERS) & set(label.ro)


@pytest.mark.parametrize("item", [i for d in INSTRUMENTS for i in d.items], ids=lambda i: i.code)
def test_item_labels_are_full_sentences(item: ItemDefinition) -> None:
    for text in (item.label.ro, item.label.en):
        assert text[0].isupper()
        assert text.endswith(".")


def test_romanian_labels_use_diacritics() -> None:
    assert "ă" in INITIAL.domains["health"].ro  # Sănătate
    assert any("ț" in label.ro for label in all_labels())
    assert any("ș" in label.ro for label in all_labels())


def test_initial_v1_measure_rules_follow_the_measures_table() -> None:
    assert INITIAL.measure_rules == (
        MeasureRule("secure_shelter", DomainLevelAtLeast("safety", "high")),
        MeasureRule("police_protection", DomainLevelAtLeast("safety", "high")),
        MeasureRule("victim_coordination", AnyItemYes(("SAF-06",))),
        MeasureRule("reintegration_plan", DomainLevelAtLeast("re_trafficking", "medium")),
        MeasureRule("urgent_medical", CriticalItemYes("health")),
        MeasureRule("medical_psych_support", DomainLevelAtLeast("health", "medium")),
        MeasureRule("non_removal_alert", AnyItemYes(("LEG-02",))),
        MeasureRule("non_punishment_review", AnyItemYes(("LEG-03",))),
        MeasureRule("child_protection", ChildAssessed()),
        MeasureRule("emergency_placement", AnyItemYes(("CHI-01", "CHI-02"))),
    )


def test_pre_return_v1_recommends_only_the_generic_child_protection() -> None:
    assert PRE_RETURN.measure_rules == (MeasureRule("child_protection", ChildAssessed()),)


def test_every_measure_has_a_label_and_every_labelled_measure_a_rule() -> None:
    used = {rule.measure for d in INSTRUMENTS for rule in d.measure_rules}
    assert used == set(MEASURES)


def test_definitions_build_engine_instruments_with_the_same_data() -> None:
    for definition in INSTRUMENTS:
        instrument = definition.to_instrument()
        assert (instrument.code, instrument.version) == (definition.code, definition.version)
        assert instrument.items == tuple(
            Item(i.code, i.domain, i.weight, i.critical, i.child_only) for i in definition.items
        )
        assert instrument.measure_rules == definition.measure_rules
