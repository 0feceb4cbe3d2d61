"""The people and directory entries of a repatriation to Moldova, on the referral service
alone (identification and risk stand in): the police in Iași who opened the case, the
national coordinator, the Moldovan consulate and the IOM mission with their staff, a
child-protection social worker, and a reception centre in Chișinău with its staff."""

import uuid
from typing import Any

import pytest

from tests.support.identification import Caller, Callers
from tests.support.referral import Referral, RepatriationWorld, child_protection_body


@pytest.fixture
async def world(service: Referral, police: Caller, callers: Callers) -> RepatriationWorld:
    consulate_org, iom_org, reception_org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    abroad: dict[str, Any] = {"counties": None, "countries": ["MD"], "capacity": {}, "genders": []}
    consulate = await service.provider(
        consulate_org, name="Consulatul Republicii Moldova", kind="consulate",
        services=["repatriation"], **abroad,
    )  # fmt: skip
    iom = await service.provider(
        iom_org, name="IOM Moldova", kind="international_org", services=["repatriation"],
        accepts_children=True, **abroad,
    )  # fmt: skip
    reception = await service.provider(
        reception_org, name="Centrul de reabilitare Chișinău", services=["psychological"],
        accepts_children=True, **abroad,
    )  # fmt: skip
    dgaspc_org = uuid.uuid4()
    dgaspc = child_protection_body(dgaspc_org)
    del dgaspc["organisation_id"]
    await service.provider(dgaspc_org, **dgaspc)
    return RepatriationWorld(
        service=service,
        police=police,
        coordinator=service.coordinator,
        consul=callers("consular_officer", organisation_id=consulate_org,
                       organisation_kind="consulate"),
        iom_staff=callers("provider", organisation_id=iom_org,
                          organisation_kind="international_org"),
        child_protection=callers("social_worker", organisation_id=dgaspc_org,
                                 organisation_kind="child_protection"),
        reception_staff=callers("provider", organisation_id=reception_org, organisation_kind="ngo"),
        consulate=consulate,
        iom=iom,
        reception=reception,
    )  # fmt: skip
