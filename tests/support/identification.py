"""Test support for the identification service: a real app over a fresh, migrated database,
callers by role (tokens in the gateway's format), and request bodies."""

import base64
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, text

from identification_svc.app import create_app
from identification_svc.db import EVENTS
from identification_svc.settings import Settings
from services.registry import subscriptions
from tests.support.apps import client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.events import deliver, deliver_raw, envelope, outbox_events

INTERNAL_SECRET = "identification-test-internal-secret"


@asynccontextmanager
async def running_service(
    databases: DatabaseFactory, issuer: TokenIssuer, **settings: Any
) -> AsyncIterator["Service"]:
    """The app on a fresh database, with `settings` overriding the test defaults."""
    app = create_app(settings_for(databases.new("identification"), issuer, **settings))
    async with client_for(app) as client:
        yield Service(app, client)


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def settings_for(url: str, issuer: TokenIssuer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "jwks_json": issuer.jwks_json,
        "data_key": new_key(),
        "index_key": new_key(),
        "subscriptions": subscriptions(),
        "internal_secret": INTERNAL_SECRET,
        "run_relay": False,
        **overrides,
    }
    return Settings(**values)


@dataclass(frozen=True)
class Caller:
    token: str
    organisation_id: uuid.UUID
    subject_id: uuid.UUID
    roles: tuple[str, ...]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Callers:
    """Makes callers; each call without an organisation is a new organisation."""

    def __init__(self, issuer: TokenIssuer) -> None:
        self.issuer = issuer

    def __call__(
        self,
        *roles: str,
        organisation_id: uuid.UUID | None = None,
        county: str = "RO-IS",
        organisation_kind: str = "police",
    ) -> Caller:
        organisation_id = organisation_id or uuid.uuid4()
        subject_id = uuid.uuid4()
        token = self.issuer.token(
            *roles,
            organisation_id=organisation_id,
            subject_id=subject_id,
            county=county,
            organisation_kind=organisation_kind,
            username=f"{roles[0] if roles else 'nobody'}-user",
        )
        return Caller(token, organisation_id, subject_id, roles)


def answers(yes: Iterable[str] = (), **others: str) -> list[dict[str, str]]:
    """ "yes" for each code of `yes`, and `code=answer` for the rest (dots as underscores)."""
    given = [{"indicator": code, "answer": "yes"} for code in yes]
    given += [{"indicator": code.replace("_", "."), "answer": a} for code, a in others.items()]
    return given


def screening(
    yes: Iterable[str] = (),
    *,
    age: int | None = 24,
    possibly_minor: bool = False,
    citizenship: str | None = "RO",
    gender: str = "female",
    county: str | None = "RO-IS",
    forms: Iterable[str] = (),
    act_recorded: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "exploitation_forms": list(forms),
        "subject": {
            "age": age,
            "possibly_minor": possibly_minor,
            "gender": gender,
            "citizenship": citizenship,
        },
        "context": {"county": county, "setting": "border_check", "act_recorded": act_recorded},
        "answers": answers(yes),
        **fields,
    }


# Answers that make an adult a presumed victim (the first worked example of indicators.md).
PRESUMED = ("DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04")
# One strong indicator alone: a potential victim.
POTENTIAL = ("DR.01",)
# The answer to a case that does not exist and to one outside the caller's scope alike.
NO_CASE = "There is no case with this id that you may see."


class Service:
    """A running identification app, its HTTP client, and a look into its database."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client

    async def count(self, table: str) -> int:
        async with self.app.state.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(text(table))) or 0)

    async def counts(self, *tables: str) -> dict[str, int]:
        return {table: await self.count(table) for table in tables}

    async def sql(self, statement: str) -> list[tuple[Any, ...]]:
        async with self.app.state.database.sessions() as session:
            return [tuple(row) for row in await session.execute(text(statement))]

    async def events(self, topic: str | None = None) -> list[dict[str, Any]]:
        """Event envelopes in the outbox, once each (a row is written per subscriber)."""
        return await outbox_events(self.app.state.database, EVENTS, topic)

    async def deliver(self, topic: str, payload: Mapping[str, Any]) -> httpx.Response:
        """Deliver an event to `/internal/events` as the relay would, signed."""
        body = envelope(topic, payload, source="referral", occurred_at="2026-11-28T10:00:00+00:00")
        return await deliver(self.client, INTERNAL_SECRET, body)

    async def deliver_raw(self, body: bytes, secret: str = INTERNAL_SECRET) -> httpx.Response:
        return await deliver_raw(self.client, secret, body)

    async def send(
        self, method: str, path: str, caller: Caller, body: Any, **headers: str
    ) -> httpx.Response:
        """A JSON request; the body is ASCII-escaped, so it may carry what UTF-8 cannot
        (an unpaired surrogate), as a hostile client's may."""
        return await self.client.request(
            method,
            path,
            content=json.dumps(body).encode(),
            headers={**caller.headers, "Content-Type": "application/json", **headers},
        )

    async def screen(self, caller: Caller, body: Mapping[str, Any]) -> httpx.Response:
        return await self.send("POST", "/api/v1/screenings", caller, body)

    async def open_case(
        self, caller: Caller, yes: Iterable[str] = PRESUMED, **fields: Any
    ) -> dict[str, Any]:
        """Open a case through a screening; answers the case."""
        response = await self.screen(caller, screening(yes, **fields))
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        assert case_id is not None
        return await self.case(caller, case_id)

    async def case(self, caller: Caller, case_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/cases/{case_id}", headers=caller.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
