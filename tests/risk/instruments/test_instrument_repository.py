"""Writes to instrument versions that someone else moved on from meanwhile: whatever the
race, the answer is the suite's one "changed meanwhile" problem."""

import uuid

import pytest

from risk_svc.instruments.models import InstrumentVersion
from risk_svc.instruments.repository import InstrumentRepository
from shared.db import Database, utcnow
from shared.errors import ChangedMeanwhile
from tests.risk.conftest import Actor, RiskService

BASE = "/api/v1/risk-instruments"


async def start_draft(risk: RiskService, coordinator: Actor) -> uuid.UUID:
    response = await risk.http.post(f"{BASE}/initial", headers=coordinator.headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def test_an_edit_of_a_draft_edited_meanwhile_is_changed_meanwhile(
    risk: RiskService, coordinator: Actor
) -> None:
    draft_id = await start_draft(risk, coordinator)
    database = Database(risk.database_url)
    try:
        async with database.sessions() as first, database.sessions() as second:
            mine = await InstrumentRepository(first).by_id(draft_id)
            theirs = await InstrumentRepository(second).by_id(draft_id)
            assert mine is not None
            assert theirs is not None
            mine.updated_at = utcnow()
            await first.commit()
            theirs.updated_at = utcnow()
            with pytest.raises(ChangedMeanwhile) as raised:
                await InstrumentRepository(second).flush()
    finally:
        await database.dispose()

    assert raised.value.detail == "The instrument changed meanwhile; read it again."
    assert raised.value.status == 409


async def test_a_second_draft_started_meanwhile_is_changed_meanwhile(
    risk: RiskService, coordinator: Actor
) -> None:
    draft_id = await start_draft(risk, coordinator)
    database = Database(risk.database_url)
    try:
        async with database.sessions() as session:
            repository = InstrumentRepository(session)
            draft = await repository.by_id(draft_id)
            assert draft is not None
            repository.add(
                InstrumentVersion(
                    code=draft.code,
                    version=draft.version + 1,
                    status="draft",
                    label=draft.label,
                    domains=draft.domains,
                    measures=draft.measures,
                    measure_rules=draft.measure_rules,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            with pytest.raises(ChangedMeanwhile) as raised:
                await repository.flush()
    finally:
        await database.dispose()

    assert raised.value.detail == "The instrument changed meanwhile; read it again."
