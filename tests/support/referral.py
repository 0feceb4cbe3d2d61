"""Test support for the referral service: a real app over a fresh, migrated database,
stand-in identification and risk services it asks about cases, consents and assessments,
case facts delivered as signed events, directory entries and repatriations.

Tests that must prove the consent gate against the real identification service build it
themselves (tests/referral/referrals/test_consent_gate.py).
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func, select, text

from identification_svc.cases.schemas import CaseOut
from identification_svc.consents.schemas import ConsentPage
from referral_svc.db import EVENTS
from referral_svc.providers.models import Capacity
from referral_svc.repatriations.overdue import flag_overdue_steps
from referral_svc.settings import Settings
from risk_svc.assessments.schemas import RiskAssessment
from services.registry import subscriptions
from shared.db import utcnow
from shared.errors import ProblemDetail
from tests.support.auth import TokenIssuer
from tests.support.events import deliver, envelope, outbox_events
from tests.support.identification import Caller, Callers

INTERNAL_SECRET = "referral-test-internal-secret"
# The answers to what does not exist and to what lies outside the caller's scope alike.
NO_CASE = "The case does not exist or lies outside your scope."
NO_REFERRAL = "The referral does not exist or lies outside your scope."
NO_REPATRIATION = "The repatriation does not exist or lies outside your scope."
IDENTIFICATION_HOST = "identification"
RISK_HOST = "risk"
# No part consumes `alert.raised` or the repatriation steps' events yet (services/registry.py),
# and an event nobody subscribes to is never written; the tests subscribe the gateway so
# they can be seen.
UNCONSUMED = ("alert.raised", "repatriation.step_completed", "repatriation.step_overdue")
SUBSCRIPTIONS = {**subscriptions(), **{topic: ["gateway"] for topic in UNCONSUMED}}


def settings_for(url: str, issuer: TokenIssuer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "jwks_json": issuer.jwks_json,
        "subscriptions": SUBSCRIPTIONS,
        "internal_secret": INTERNAL_SECRET,
        "service_urls": {
            "identification": f"http://{IDENTIFICATION_HOST}",
            "risk": f"http://{RISK_HOST}",
        },
        "run_relay": False,
        "run_jobs": False,
        **overrides,
    }
    return Settings(**values)


def provider_body(organisation_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """An accredited NGO shelter for adult women in Iași with 3 of 10 places free."""
    body: dict[str, Any] = {
        "name": "Adăpostul Speranța",
        "kind": "ngo",
        "organisation_id": str(organisation_id),
        "services": ["shelter", "psychological", "legal"],
        "counties": ["RO-IS"],
        "accepts_adults": True,
        "accepts_children": False,
        "genders": ["female"],
        "languages": ["ro", "en"],
        "specialisations": ["sexual"],
        "capacity": {"shelter": {"total": 10, "free": 3}},
        "accreditation": {"number": "AC-0001", "valid_until": "2099-12-31"},
        "active": True,
        "contact": {"phone": "+40 232 000 000"},
    }
    body.update(overrides)
    return body


def child_protection_body(organisation_id: uuid.UUID, county: str = "RO-IS") -> dict[str, Any]:
    return provider_body(
        organisation_id,
        name=f"DGASPC {county}",
        kind="child_protection",
        services=["child_protection", "psychological", "education"],
        counties=[county],
        accepts_adults=False,
        accepts_children=True,
        genders=[],
        capacity={},
    )


def consent_id(case_id: str, scope: str) -> str:
    """The id the stand-in gives the current consent of `scope` of a case."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"consent:{case_id}:{scope}"))


# The real answers' models: a stand-in answers only what one of these validates, so the
# stand-ins cannot drift from the services they stand for (tests/referral/test_stand_ins.py
# checks these are what the real routes answer).
CASE_ANSWER: type[BaseModel] = CaseOut
CONSENTS_ANSWER: type[BaseModel] = ConsentPage
ASSESSMENT_ANSWER: type[BaseModel] = RiskAssessment


def conforming(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """`body`, after checking it is an answer of `model`: valid (every required field,
    each of its type), and with no field the model lacks (a test could rely on it)."""
    valid = model.model_validate_json(json.dumps(body))
    answer = valid.model_dump(mode="json", exclude_unset=True)
    assert _shape(body) == _shape(answer), f"not a {model.__name__}: {body}"
    return body


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return None


def case_answer(
    case_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    status: str = "presumed",
    is_child: bool = False,
    county: str | None = "RO-IS",
    gender: str = "female",
    forms: tuple[str, ...] = ("sexual",),
    is_foreign: bool = False,
    version: int = 1,
) -> dict[str, Any]:
    """Identification's answer to `GET /api/v1/cases/{id}`, for a case with no decision
    but its opening, no duplicate and no reflection period."""
    now = utcnow().isoformat()
    return {
        "id": str(case_id),
        "status": status,
        "is_child": is_child,
        "county": county,
        "exploitation_forms": list(forms),
        "gender": gender,
        "citizenship": "MD" if is_foreign else "RO",
        "is_foreign": is_foreign,
        "opened_by_organisation_id": str(organisation_id),
        "reflection_period": None,
        "created_at": now,
        "updated_at": now,
        "version": version,
        "decisions": [],
        "possible_duplicates": [],
        "linked_cases": [],
    }


def consent_answer(case_id: str, scope: str) -> dict[str, Any]:
    """Identification's consent, given in writing and not withdrawn."""
    return {
        "id": consent_id(case_id, scope),
        "case_id": case_id,
        "scope": scope,
        "given": True,
        "method": "written",
        "note": None,
        "childs_views": False,
        "recorded_by": str(uuid.uuid5(uuid.NAMESPACE_URL, "recorded-by")),
        "organisation_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "recorded-at")),
        "recorded_at": utcnow().isoformat(),
        "withdrawn_at": None,
        "withdrawn_by": None,
        "withdrawal_note": None,
    }


def assessment_answer(
    assessment_id: str, case_id: uuid.UUID, *, instrument: str, level: str
) -> dict[str, Any]:
    """Risk's answer to `GET /api/v1/risk-assessments/{id}`: nothing answered, the level
    computed."""
    now = utcnow().isoformat()
    return {
        "id": assessment_id,
        "case_id": str(case_id),
        "instrument": instrument,
        "version": 1,
        "is_child": False,
        "answers": [],
        "judgement": None,
        "domains": {"return": {"score": 0, "level": level}},
        "computed_level": level,
        "level": level,
        "critical_items": [],
        "unknown_items": [],
        "incomplete": False,
        "measures": [],
        "assessed_at": now,
        "reassess_by": now,
        "assessor_id": str(uuid.uuid4()),
        "assessor_organisation_id": str(uuid.uuid4()),
        "created_at": now,
    }


@dataclass
class StandInIdentification:
    """The identification service's two answers the referral service asks for: a case, and
    its current consents, each an answer of the real service's model."""

    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Cases holding a current consent to referral, and to repatriation.
    consenting: set[str] = field(default_factory=set)
    consenting_to_return: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def hold(self, case_id: uuid.UUID, **facts: Any) -> None:
        """Hold a case that no event announced (facts as `case_answer` takes them)."""
        self.cases[str(case_id)] = case_answer(case_id, **facts)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/api/v1/cases/{case_id}")
        async def case(case_id: str) -> Any:
            self.asked.append(f"case {case_id}")
            if case_id not in self.cases:
                return not_found(f"/api/v1/cases/{case_id}")
            return conforming(CASE_ANSWER, self.cases[case_id])

        @app.get("/api/v1/cases/{case_id}/consents")
        async def consents(
            case_id: str, scope: str = Query(), current: str = Query()
        ) -> dict[str, Any]:
            self.asked.append(f"consents {case_id} {scope} {current}")
            holding = {"referral": self.consenting, "repatriation": self.consenting_to_return}
            items = []
            if case_id in holding.get(scope, set()):
                items.append(consent_answer(case_id, scope))
            return conforming(CONSENTS_ANSWER, {"items": items, "next_cursor": None})

        return app


@dataclass
class StandInRisk:
    """The risk service's one answer the referral service asks for: an assessment by id,
    an answer of the real service's model, for when its event has not arrived."""

    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def add(self, case_id: uuid.UUID, *, instrument: str = "pre_return", level: str = "low") -> str:
        """Hold an assessment that no event announced; answers its id."""
        assessment_id = str(uuid.uuid4())
        self.assessments[assessment_id] = assessment_answer(
            assessment_id, case_id, instrument=instrument, level=level
        )
        return assessment_id

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/api/v1/risk-assessments/{assessment_id}")
        async def assessment(assessment_id: str) -> Any:
            self.asked.append(assessment_id)
            if assessment_id not in self.assessments:
                return not_found(f"/api/v1/risk-assessments/{assessment_id}")
            return conforming(ASSESSMENT_ANSWER, self.assessments[assessment_id])

        return app


def not_found(path: str) -> JSONResponse:
    """The real services' answer to what does not exist or lies outside the caller's scope."""
    body = {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "Nothing with this id that you may see.",
        "instance": path,
        "request_id": uuid.uuid4().hex,
    }
    conforming(ProblemDetail, body)
    return JSONResponse(body, status_code=404, media_type="application/problem+json")


class Referral:
    """A running referral app, its HTTP client, callers by role, and a look inside."""

    def __init__(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        callers: Callers,
        identification: StandInIdentification,
        risk_service: StandInRisk | None = None,
    ) -> None:
        self.app = app
        self.client = client
        self.callers = callers
        self.identification = identification
        self.risk_service = risk_service or StandInRisk()
        self.coordinator = callers(
            "coordinator", county="national", organisation_kind="national_agency"
        )

    # --- requests

    async def send(
        self, method: str, path: str, caller: Caller, body: Any = None, **headers: str
    ) -> httpx.Response:
        """A JSON request; the body is ASCII-escaped, so it may carry what UTF-8 cannot."""
        content = None if body is None else json.dumps(body).encode()
        return await self.client.request(
            method,
            path,
            content=content,
            headers={**caller.headers, "Content-Type": "application/json", **headers},
        )

    async def deliver(
        self, topic: str, payload: Mapping[str, Any], occurred_at: str | None = None
    ) -> httpx.Response:
        """Deliver an event to `/internal/events` as the relay would, signed."""
        body = envelope(topic, payload, source="identification", occurred_at=occurred_at)
        return await deliver(self.client, INTERNAL_SECRET, body)

    # --- facts and entries

    async def case(
        self,
        *,
        organisation_id: uuid.UUID,
        is_child: bool = False,
        county: str = "RO-IS",
        status: str = "presumed",
        version: int = 1,
        gender: str = "female",
        forms: tuple[str, ...] = ("sexual",),
        case_id: uuid.UUID | None = None,
        topic: str = "case.opened",
        opened_at: str | None = None,
    ) -> uuid.UUID:
        """Tell the service of a case, as identification's `case.opened` would."""
        case_id = case_id or uuid.uuid4()
        response = await self.deliver(
            topic,
            {
                "case_id": str(case_id),
                "version": version,
                "status": status,
                "is_child": is_child,
                "county": county,
                "gender": gender,
                "exploitation_forms": list(forms),
                "organisation_id": str(organisation_id),
                "is_foreign": False,
                "opened_at": opened_at or utcnow().isoformat(),
                **({"previous_status": "potential"} if topic == "case.status_changed" else {}),
            },
        )
        assert response.status_code == 200, response.text
        return case_id

    async def adult_with_consent(self, referrer: Caller, **facts: Any) -> uuid.UUID:
        case_id = await self.case(organisation_id=referrer.organisation_id, **facts)
        self.identification.consenting.add(str(case_id))
        return case_id

    async def risk(
        self,
        case_id: uuid.UUID,
        *,
        level: str = "medium",
        safety: str = "low",
        measures: tuple[str, ...] = (),
        assessed_at: str = "2026-11-28T10:00:00+00:00",
        instrument: str = "initial",
    ) -> str:
        """Tell the service of an assessment, as risk's `risk.assessed` would; its id."""
        assessment_id = str(uuid.uuid4())
        response = await self.deliver(
            "risk.assessed",
            {
                "case_id": str(case_id),
                "assessment_id": assessment_id,
                "instrument": instrument,
                "version": 1,
                "level": level,
                "computed_level": level,
                "domains": {"safety": safety} if instrument == "initial" else {"return": level},
                "measures": list(measures),
                "assessed_at": assessed_at,
            },
        )
        assert response.status_code == 200, response.text
        return assessment_id

    async def provider(
        self, organisation_id: uuid.UUID | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """A directory entry made by the national coordinator; answers the entry."""
        body = provider_body(organisation_id or uuid.uuid4(), **overrides)
        response = await self.send("POST", "/api/v1/providers", self.coordinator, body)
        assert response.status_code == 201, response.text
        entry: dict[str, Any] = response.json()
        return entry

    async def refer(
        self, referrer: Caller, case_id: uuid.UUID, provider_id: str, **fields: Any
    ) -> httpx.Response:
        body = {
            "case_id": str(case_id),
            "provider_id": provider_id,
            "services": fields.pop("services", ["shelter"]),
            **fields,
        }
        return await self.send("POST", "/api/v1/referrals", referrer, body)

    async def referral(
        self, referrer: Caller, case_id: uuid.UUID, provider_id: str, **fields: Any
    ) -> dict[str, Any]:
        response = await self.refer(referrer, case_id, provider_id, **fields)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def act(
        self, caller: Caller, referral_id: str, action: str, body: Any = None, **headers: str
    ) -> httpx.Response:
        return await self.send(
            "POST", f"/api/v1/referrals/{referral_id}/{action}", caller, body, **headers
        )

    # --- repatriations

    async def repatriate(self, caller: Caller, case_id: uuid.UUID, **fields: Any) -> httpx.Response:
        """Register a return to Moldova (fields override the body)."""
        body = {
            "case_id": str(case_id),
            "direction": "from_romania",
            "country": "MD",
            "departure_place": "Iași",
            "return_place": "Chișinău",
            **fields,
        }
        return await self.send("POST", "/api/v1/repatriations", caller, body)

    async def repatriation(
        self, caller: Caller, case_id: uuid.UUID, **fields: Any
    ) -> dict[str, Any]:
        response = await self.repatriate(caller, case_id, **fields)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def complete(
        self, caller: Caller, repatriation_id: str, step: str, body: Any = None, **headers: str
    ) -> httpx.Response:
        path = f"/api/v1/repatriations/{repatriation_id}/steps/{step}/complete"
        return await self.send("POST", path, caller, body, **headers)

    async def determine(
        self, caller: Caller, repatriation_id: str, kind: str, in_favour: bool = True
    ) -> httpx.Response:
        body = {"kind": kind, "in_favour": in_favour, "note": "Weighed with the family."}
        path = f"/api/v1/repatriations/{repatriation_id}/determinations"
        return await self.send("POST", path, caller, body)

    async def read_repatriation(self, caller: Caller, repatriation_id: str) -> httpx.Response:
        return await self.send("GET", f"/api/v1/repatriations/{repatriation_id}", caller)

    # --- a look inside

    async def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        async with self.app.state.database.sessions() as session:
            return [tuple(row) for row in await session.execute(text(statement), params)]

    async def free_places(self, provider_id: str, service: str = "shelter") -> int:
        statement = select(Capacity.free).where(
            Capacity.provider_id == uuid.UUID(provider_id), Capacity.service == service
        )
        async with self.app.state.database.sessions() as session:
            return int(await session.scalar(statement) or 0)

    async def events(
        self, topic: str | None = None, destination: str | None = None
    ) -> list[dict[str, Any]]:
        """Event envelopes in the outbox, once each (a row is written per destination)."""
        return await outbox_events(self.app.state.database, EVENTS, topic, destination)

    async def count(self, table: str) -> int:
        async with self.app.state.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(text(table))) or 0)


@dataclass
class RepatriationWorld:
    """The people and directory entries of a repatriation to Moldova (see
    tests/referral/repatriations/conftest.py), and the steps they keep taking."""

    service: Referral
    police: Caller
    coordinator: Caller
    consul: Caller
    iom_staff: Caller
    child_protection: Caller
    reception_staff: Caller
    consulate: dict[str, Any]
    iom: dict[str, Any]
    reception: dict[str, Any]

    async def adult_case(self, **facts: Any) -> uuid.UUID:
        """An adult's case the police opened, with consent to referral and to return."""
        case_id = await self.service.adult_with_consent(self.police, **facts)
        self.service.identification.consenting_to_return.add(str(case_id))
        return case_id

    async def child_case(self) -> uuid.UUID:
        return await self.service.case(organisation_id=self.police.organisation_id, is_child=True)

    async def register(self, case_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
        """Registered by the coordinator, with the consulate and IOM as partners."""
        fields.setdefault("partners", [self.consulate["id"], self.iom["id"]])
        return await self.service.repatriation(self.coordinator, case_id, **fields)

    async def accepted_reception(self, case_id: uuid.UUID) -> str:
        """A referral of the case to the reception centre, accepted by its staff."""
        referral = await self.service.referral(
            self.police, case_id, self.reception["id"], services=["psychological"]
        )
        accepted = await self.service.act(self.reception_staff, referral["id"], "accept")
        assert accepted.status_code == 200, accepted.text
        return str(referral["id"])

    async def done(self, repatriation_id: str, step: str, caller: Caller, **body: Any) -> dict:
        response = await self.service.complete(caller, repatriation_id, step, body or None)
        assert response.status_code == 200, response.text
        answer: dict = response.json()
        return answer

    async def up_to_travel(
        self, case_id: uuid.UUID, repatriation_id: str, *, level: str = "low"
    ) -> None:
        """Every step before travel, with a pre-return assessment at `level`."""
        coordinator = self.coordinator
        await self.done(repatriation_id, "identity_documents", self.consul)
        await self.done(repatriation_id, "consent_to_return", coordinator)
        await self.service.risk(
            case_id, instrument="pre_return", level=level, assessed_at=utcnow().isoformat()
        )
        await self.done(repatriation_id, "pre_return_risk_assessment", coordinator)
        referral_id = await self.accepted_reception(case_id)
        await self.done(repatriation_id, "reception_arranged", coordinator, referral_id=referral_id)


async def flag_overdue(service: Referral, now: datetime) -> int:
    """Run the overdue job of `service` as of `now`: how many steps it flagged."""
    state = service.app.state
    return await flag_overdue_steps(state.database, state.outbox, state.settings, now)


def due(repatriation: Mapping[str, Any], name: str) -> datetime:
    """When the step `name` of a repatriation's answer is due."""
    [found] = [s for s in repatriation["steps"] if s["step"] == name]
    return datetime.fromisoformat(found["due_at"])
