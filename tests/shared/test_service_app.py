"""What every part gets from the app factory: auth, errors, request ids, limits, paging.

Exercised on a real app built by `create_service_app` over a real, migrated database,
with a router that uses the shared dependencies as the parts' routers do.
"""

import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from identification_svc.db import EVENTS, Base
from identification_svc.settings import Settings
from shared.app import MAX_BODY_BYTES, ServiceParts, create_service_app
from shared.auth.deps import CurrentPrincipal, Loader, require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import NotFound
from shared.pagination import Page, PageQuery, paginate
from shared.repository import Repository
from shared.web import AppOutbox, Session
from tests.support.apps import client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory


class Note(BaseModel):
    text: str = Field(max_length=100)
    count: int = Field(ge=0, le=10)


class OutboxRow(Base):
    __table__ = EVENTS.outbox
    id: Mapped[uuid.UUID]
    topic: Mapped[str]
    created_at: Mapped[datetime]


class EventOut(BaseModel):
    id: uuid.UUID
    topic: str


class EventRepository(Repository[OutboxRow]):
    model = OutboxRow

    def visible(self, principal: Principal) -> Select[OutboxRow]:
        # A probe scope: only events of the caller's own topic ("case.opened" for all).
        return super().visible(principal).where(OutboxRow.topic == "case.opened")


class EventService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = EventRepository(session)

    async def get(self, principal: Principal, event_id: uuid.UUID) -> OutboxRow:
        row = await self.repository.get(principal, event_id)
        if row is None:
            raise NotFound("No such event.")
        return row


async def event_service(session: Session) -> EventService:
    return EventService(session)


event = Loader(event_service, EventService.get, key="event_id", description="The event's id.")
ReadableEvent = Annotated[OutboxRow, event.requiring(Permission.READ_CASES)]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.get("/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, str]:
        return {"username": principal.username}

    @router.post("/screenings-probe", dependencies=[Depends(require(Permission.SUBMIT_SCREENING))])
    async def probe(note: Note, session: Session, outbox: AppOutbox) -> dict[str, str]:
        await outbox.publish(session, "case.opened", {"text": note.text})
        return {"ok": "yes"}

    @router.post("/fails-after-write", dependencies=[Depends(require(Permission.MANAGE_CASES))])
    async def fails(session: Session, outbox: AppOutbox) -> None:
        await outbox.publish(session, "case.opened", {})
        raise RuntimeError("boom: postgresql://secret-host/db")

    @router.post("/commit-fails", dependencies=[Depends(require(Permission.MANAGE_CASES))])
    async def commit_fails(session: Session, outbox: AppOutbox) -> dict[str, str]:
        """Writes an event, then a second row with its id, unflushed: only the commit fails."""
        await outbox.publish(session, "case.opened", {})
        await session.flush()
        written = (await session.scalars(select(OutboxRow))).one()
        session.expunge(written)
        session.add(OutboxRow(id=written.id, topic="again", created_at=utcnow()))
        return {"ok": "yes"}

    @router.get("/events/{event_id}")
    async def event(row: ReadableEvent) -> EventOut:
        return EventOut(id=row.id, topic=row.topic)

    @router.get("/events", dependencies=[Depends(require(Permission.READ_CASES))])
    async def events(session: Session, page: PageQuery) -> Page[EventOut]:
        rows, cursor = await paginate(
            session,
            select(OutboxRow),
            page,
            key=OutboxRow.created_at,
            row_id=OutboxRow.id,
            key_of=lambda row: (row.created_at, row.id),
        )
        return Page(items=[EventOut(id=r.id, topic=r.topic) for r in rows], next_cursor=cursor)

    return router


@pytest.fixture
async def client(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=fresh_databases.new("identification"),
        jwks_json=issuer.jwks_json,
        subscriptions={"case.opened": ["risk"]},
        internal_secret="probe-internal-secret",
        run_relay=False,
    )
    parts = ServiceParts(
        name="identification", title="probe", routers=[build_router()], event_tables=EVENTS
    )
    async with client_for(create_service_app(parts, settings)) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_identifies_the_caller(client, issuer) -> None:
    response = await client.get(
        "/api/v1/whoami", headers=bearer(issuer.token("police", username="ana"))
    )
    assert response.status_code == 200
    assert response.json() == {"username": "ana"}


def forged_tokens(issuer: TokenIssuer) -> dict[str, str]:
    stranger = TokenIssuer(kid=issuer.kid, private_key=Ed25519PrivateKey.generate())
    valid = issuer.token("police")
    header, payload, signature = valid.split(".")
    return {
        "missing": "",
        "not a jwt": "Bearer abc.def",
        "wrongly signed": f"Bearer {stranger.token('police')}",
        "unknown key": f"Bearer {TokenIssuer(kid='other').token('police')}",
        "expired": f"Bearer {issuer.token('police', expires_in=-60)}",
        "other issuer": f"Bearer {issuer.token('police', issuer='evil')}",
        "other audience": f"Bearer {issuer.token('police', audience='elsewhere')}",
        "refresh token": f"Bearer {issuer.token('police', typ='refresh')}",
        "tampered": f"Bearer {header}.{payload[:-4]}AAAA.{signature}",
        "alg none": "Bearer eyJhbGciOiJub25lIiwia2lkIjoidGVzdC1rZXkifQ." + payload + ".",
        "basic": "Basic dXNlcjpwYXNz",
    }


@pytest.mark.parametrize("case", list(forged_tokens(TokenIssuer()).keys()))
async def test_a_forged_expired_or_wrongly_signed_token_is_401(client, issuer, case) -> None:
    authorization = forged_tokens(issuer)[case]
    response = await client.get("/api/v1/whoami", headers={"Authorization": authorization})
    assert response.status_code == 401
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["type"] == "/problems/unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_token_verified_once_is_refused_once_it_expires(
    client, issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = bearer(issuer.token("police", expires_in=60))
    assert (await client.get("/api/v1/whoami", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/whoami", headers=headers)).status_code == 200
    later = time.time() + 60 + 11  # past its expiry and the leeway
    monkeypatch.setattr(time, "time", lambda: later)
    response = await client.get("/api/v1/whoami", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The bearer token has expired."


async def test_a_role_outside_the_policy_is_403(client, issuer) -> None:
    response = await client.post(
        "/api/v1/screenings-probe",
        json={"text": "x", "count": 1},
        headers=bearer(issuer.token("provider")),
    )
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


async def test_validation_errors_name_each_field(client, issuer) -> None:
    response = await client.post(
        "/api/v1/screenings-probe",
        json={"text": "x" * 101, "count": "many"},
        headers=bearer(issuer.token("police")),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/problems/validation"
    assert {e["field"] for e in body["errors"]} == {"text", "count"}


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b"", "application/json"),
        (b"text=1", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
async def test_a_malformed_body_is_a_4xx_problem_never_a_500(
    client, issuer, content, content_type
) -> None:
    response = await client.post(
        "/api/v1/screenings-probe",
        content=content,
        headers={**bearer(issuer.token("police")), "Content-Type": content_type},
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_oversized_body_is_413_before_it_is_read(client, issuer) -> None:
    response = await client.post(
        "/api/v1/screenings-probe",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={**bearer(issuer.token("police")), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/payload-too-large"


async def test_an_oversized_chunked_body_is_413_not_a_parse_error(client, issuer) -> None:
    """Finding of issue 11: 11 MB sent chunked (no Content-Length) straight to a service was
    answered 422, FastAPI taking the limit's refusal for a body it could not parse."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b" " * (1024 * 1024)

    response = await client.post(
        "/api/v1/screenings-probe",
        content=chunks(),
        headers={**bearer(issuer.token("police")), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/payload-too-large"
    listed = await client.get("/api/v1/events", headers=bearer(issuer.token("police")))
    assert listed.json()["items"] == []


async def test_an_unexpected_failure_is_a_500_problem_without_internals_and_writes_nothing(
    client, issuer
) -> None:
    token = issuer.token("coordinator", county="national")
    response = await client.post("/api/v1/fails-after-write", headers=bearer(token))
    assert response.status_code == 500
    assert "secret-host" not in response.text
    assert response.json()["type"] == "/problems/internal"
    listed = await client.get("/api/v1/events", headers=bearer(token))
    assert listed.json()["items"] == []


async def test_a_write_is_answered_only_once_committed(client, issuer) -> None:
    """The session commits before the answer goes out: a commit that fails is the answer
    (never a 2xx for a change that was not kept), and a client reading right after a 2xx
    finds what it wrote."""
    token = issuer.token("coordinator", county="national")
    response = await client.post("/api/v1/commit-fails", headers=bearer(token))
    assert response.status_code == 500
    assert response.json()["type"] == "/problems/internal"
    listed = await client.get("/api/v1/events", headers=bearer(token))
    assert listed.json()["items"] == []


async def test_the_request_id_is_kept_or_made_and_returned(client, issuer) -> None:
    kept = await client.get("/api/v1/whoami", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    assert kept.json()["request_id"] == "abc-123"
    made = await client.get("/api/v1/whoami", headers={"X-Request-ID": "bad id <script>"})
    assert len(made.headers["x-request-id"]) == 32


async def test_lists_page_with_an_opaque_cursor_and_refuse_a_forged_one(client, issuer) -> None:
    token = bearer(issuer.token("police"))
    for number in range(5):
        await client.post(
            "/api/v1/screenings-probe", json={"text": str(number), "count": 1}, headers=token
        )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/events", params=params, headers=token)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    bad = await client.get("/api/v1/events", params={"cursor": "!!!"}, headers=token)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"
    too_many = await client.get("/api/v1/events", params={"limit": 201}, headers=token)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "limit"


async def test_health_answers_without_a_token(client) -> None:
    assert (await client.get("/health/live")).status_code == 200
    assert (await client.get("/health/ready")).json() == {"status": "ok"}


def test_timestamps_are_timezone_aware() -> None:
    assert isinstance(utcnow(), datetime)
    assert utcnow().utcoffset() is not None


async def test_a_huge_unknown_field_name_is_not_echoed_back_whole(client, issuer) -> None:
    response = await client.post(
        "/api/v1/screenings-probe",
        json={"text": "x", "count": "many" * 10_000, "k" * 100_000: 1},
        headers=bearer(issuer.token("police")),
    )
    assert response.status_code == 422
    assert len(response.content) < 5_000


async def test_a_resource_is_loaded_only_for_a_caller_with_the_permission_and_in_scope(
    client, issuer
) -> None:
    police = bearer(issuer.token("police"))
    await client.post("/api/v1/screenings-probe", json={"text": "x", "count": 1}, headers=police)
    listed = (await client.get("/api/v1/events", headers=police)).json()["items"]
    event_id = listed[0]["id"]

    found = await client.get(f"/api/v1/events/{event_id}", headers=police)
    assert found.status_code == 200
    assert found.json() == {"id": event_id, "topic": "case.opened"}

    refused = await client.get(
        f"/api/v1/events/{event_id}", headers=bearer(issuer.token("auditor"))
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This operation needs the 'read_cases' permission."

    unknown = await client.get(f"/api/v1/events/{uuid.uuid4()}", headers=police)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No such event."

    malformed = await client.get("/api/v1/events/not-an-id", headers=police)
    assert malformed.status_code == 422
    assert [e["field"] for e in malformed.json()["errors"]] == ["event_id"]

    document = (await client.get("/openapi.json")).json()
    parameters = document["paths"]["/api/v1/events/{event_id}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["description"]) for p in parameters] == [
        ("event_id", "path", "The event's id.")
    ]
