"""Test support for training: request bodies, and a look at what the identification service
holds and the gateway recorded."""

import uuid
from typing import Any

from sqlalchemy import inspect, text

from tests.support.suite import Suite

SESSIONS = "/api/v1/training-sessions"


def participant(
    name: str = "Ana Pop",
    *,
    user_id: str | None = None,
    organisation_id: str | None = None,
    kind: str = "police",
    county: str = "RO-IS",
    completed: bool = True,
    score: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "organisation": {"id": organisation_id, "kind": kind, "county": county},
        "completed": completed,
    }
    if user_id is not None:
        body["user_id"] = user_id
    if score is not None:
        body["score"] = score
    return body


def session_body(*participants: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "held_on": "2026-11-20",
        "county": "RO-IS",
        "trainers": ["Maria Ionescu"],
        "catalogue_version": 1,
        "instrument_versions": [{"instrument": "initial", "version": 1}],
        "categories": ["police", "ngo"],
        "participants": list(participants),
        **fields,
    }


async def national_coordinator(suite: Suite) -> dict[str, str]:
    return await suite.headers_for(
        "coordinator", name="ANITP", kind="national_agency", county="national"
    )


async def record_session(
    suite: Suite, coordinator: dict[str, str], *participants: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    response = await suite.http.post(
        SESSIONS, json=session_body(*participants, **fields), headers=coordinator
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def identification_rows(suite: Suite, table: str) -> list[tuple[Any, ...]]:
    database = suite.services["identification"].state.database
    async with database.sessions() as session:
        return [tuple(row) for row in await session.execute(text(f"SELECT * FROM {table}"))]


async def identification_counts(suite: Suite) -> dict[str, int]:
    """Every table of the identification service and its number of rows."""
    database = suite.services["identification"].state.database
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        counts = {}
        for name in names:
            result = await connection.execute(text(f'SELECT count(*) FROM "{name}"'))
            counts[name] = int(result.scalar_one())
    return counts


async def audit_events(suite: Suite, **filters: str) -> list[dict[str, Any]]:
    auditor = await suite.headers_for("auditor", name="Audit", kind="national_agency")
    response = await suite.http.get(
        "/api/v1/audit-events", params={"limit": "200", **filters}, headers=auditor
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def new_id() -> str:
    return str(uuid.uuid4())
