"""What a step rests on, in the order it is checked, and where reception must be: the
procedure's pure rules beside its steps (test_procedure.py), and the service's one checker
per requirement."""

import uuid
from typing import Any, cast

import pytest

from referral_svc.repatriations.procedure import (
    DEFAULT_TARGETS,
    Direction,
    Qualifier,
    Requirement,
    Step,
    destination,
    misplaced_evidence,
    qualifiers,
    receives_at_destination,
    requirements,
)
from referral_svc.repatriations.service import RepatriationService


def test_travel_rests_again_on_the_consent_steps_basis_then_on_a_risk_that_does_not_block() -> None:
    assert requirements(Step.TRAVEL_ARRANGED, is_child=False) == (
        Requirement.REPATRIATION_CONSENT,
        Requirement.TRAVEL_NOT_BLOCKED,
    )
    assert requirements(Step.TRAVEL_ARRANGED, is_child=True) == (
        Requirement.BEST_INTERESTS_DETERMINATION,
        Requirement.ESCORT,
        Requirement.TRAVEL_NOT_BLOCKED,
    )


@pytest.mark.parametrize(
    ("step", "is_child", "expected"),
    [
        (Step.REQUEST_REGISTERED, False, ()),
        (Step.CONSENT_TO_RETURN, False, (Requirement.REPATRIATION_CONSENT,)),
        (Step.CONSENT_TO_RETURN, True, (Requirement.BEST_INTERESTS_DETERMINATION,)),
        (Step.PRE_RETURN_RISK_ASSESSMENT, True, (Requirement.PRE_RETURN_ASSESSMENT,)),
        (Step.RECEPTION_ARRANGED, False, (Requirement.ACCEPTED_REFERRAL,)),
        (Step.HANDOVER_COMPLETED, True, ()),
    ],
)
def test_other_steps_rest_on_their_own_requirements(
    step: Step, is_child: bool, expected: tuple[Requirement, ...]
) -> None:
    assert requirements(step, is_child=is_child) == expected


def test_every_requirement_has_its_checker() -> None:
    service = RepatriationService(cast(Any, None), cast(Any, None), DEFAULT_TARGETS)

    assert set(service.checkers) == set(Requirement)


def test_reception_abroad_is_by_a_provider_working_in_the_country_of_return() -> None:
    abroad: dict[str, Any] = {"national": False, "counties": ()}
    going = Direction.FROM_ROMANIA

    assert receives_at_destination(going, "MD", countries={"MD"}, **abroad)
    assert not receives_at_destination(going, "MD", countries={"UA"}, **abroad)
    assert destination(going, "MD") == "MD"


def test_reception_in_romania_is_by_a_provider_working_anywhere_in_romania() -> None:
    coming = Direction.TO_ROMANIA

    assert receives_at_destination(coming, "IT", countries=(), national=True, counties=())
    assert receives_at_destination(coming, "IT", countries=(), national=False, counties={"RO-IS"})
    assert not receives_at_destination(coming, "IT", countries={"IT"}, national=False, counties=())
    assert destination(coming, "IT") == "Romania"


def test_the_organisation_qualifies_its_staff() -> None:
    own, other = uuid.uuid4(), uuid.uuid4()

    assert qualifiers("international_org", own, None) == {Qualifier.INTERNATIONAL_ORG}
    assert qualifiers("child_protection", own, other) == {Qualifier.CHILD_PROTECTION_ORG}
    assert qualifiers("ngo", own, own) == {Qualifier.RECEIVING_PROVIDER}
    assert qualifiers("ngo", own, other) == frozenset()


def test_evidence_given_for_another_step_is_named_first_in_order() -> None:
    assert misplaced_evidence(Step.RECEPTION_ARRANGED, {"referral_id"}) is None
    assert misplaced_evidence(Step.RECEPTION_ARRANGED, {"escort", "consent_id"}) == "consent_id"
    assert misplaced_evidence(Step.TRAVEL_ARRANGED, {"escort", "note"}) is None
