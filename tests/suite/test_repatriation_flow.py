"""Issue 6 through the gateway: assisted repatriation, step by step, each step by a role
the procedure names, on evidence the parts that own it hold — a consent recorded in
identification, a pre-return assessment in risk, a reception referral accepted here."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from referral_svc.repatriations.overdue import flag_overdue_steps
from risk_svc.instruments.v1 import PRE_RETURN
from tests.support.referral import child_protection_body, provider_body
from tests.support.suite import Suite, bearer

PRESUMED_ADULT = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
PRESUMED_CHILD = ["EX.14", "EX.02"]
PRE_RETURN_ITEMS = [item.code for item in PRE_RETURN.items]


def pre_return(yes: list[str]) -> dict[str, Any]:
    answers = [{"item": c, "answer": "yes" if c in yes else "no"} for c in PRE_RETURN_ITEMS]
    return {"instrument": "pre_return", "answers": answers}


class World:
    """Who works on a return to Moldova: social services in Iași, the national coordinator,
    the Moldovan consulate, the IOM mission, DGASPC Iași and a reception centre in
    Chișinău, each with its own staff and, where it is a provider, its directory entry."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite

    async def member(self, role: str, organisation: dict[str, Any]) -> dict[str, str]:
        user = await self.suite.user(role, organisation_id=organisation["id"])
        return bearer(await self.suite.token(user["username"]))

    async def listed(self, organisation: dict[str, Any], **entry: Any) -> dict[str, Any]:
        body = provider_body(organisation["id"], **entry)
        response = await self.suite.http.post(
            "/api/v1/providers", json=body, headers=self.coordinator
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def build(self) -> "World":
        suite = self.suite
        organisation = suite.organisation
        social = await organisation(name="DAS Iași", kind="social_services", county="RO-IS")
        self.social_worker = await self.member("social_worker", social)
        agency = await organisation(name="ANITP", kind="national_agency", county="national")
        self.coordinator = await self.member("coordinator", agency)
        consulate = await organisation(
            name="Consulatul Republicii Moldova", kind="consulate", county="national"
        )
        self.consul = await self.member("consular_officer", consulate)
        iom = await organisation(name="IOM Moldova", kind="international_org", county="national")
        self.iom_staff = await self.member("provider", iom)
        dgaspc = await organisation(name="DGASPC Iași", kind="child_protection", county="RO-IS")
        self.child_protection = await self.member("social_worker", dgaspc)
        centre = await organisation(name="Centrul Chișinău", kind="provider", county="national")
        self.reception_staff = await self.member("provider", centre)

        abroad: dict[str, Any] = {
            "counties": None,
            "countries": ["MD"],
            "capacity": {},
            "genders": [],
        }
        self.consulate = await self.listed(
            consulate, name="Consulatul Republicii Moldova", kind="consulate",
            services=["repatriation"], **abroad,
        )  # fmt: skip
        self.iom = await self.listed(
            iom, name="IOM Moldova", kind="international_org", services=["repatriation"],
            accepts_children=True, **abroad,
        )  # fmt: skip
        self.reception = await self.listed(
            centre, name="Centrul de reabilitare Chișinău", services=["psychological"],
            accepts_children=True, **abroad,
        )  # fmt: skip
        dgaspc_entry = child_protection_body(dgaspc["id"])
        await self.listed(
            dgaspc, **{k: v for k, v in dgaspc_entry.items() if k != "organisation_id"}
        )
        return self

    # --- identification and risk

    async def presumed_case(self, yes: list[str] = PRESUMED_ADULT, age: int = 29) -> str:
        return await self.screened(self.social_worker, yes, age)

    async def screened(
        self, screener: dict[str, str], yes: list[str] = PRESUMED_ADULT, age: int = 29
    ) -> str:
        """The case the screening of a presumed victim opens (its events delivered)."""
        body = {
            "subject": {"age": age, "gender": "female", "citizenship": "MD"},
            "context": {"county": "RO-IS", "setting": "social_services", "act_recorded": age < 18},
            "answers": [{"indicator": code, "answer": "yes"} for code in yes],
        }
        response = await self.suite.http.post("/api/v1/screenings", json=body, headers=screener)
        assert response.status_code == 201, response.text
        assert response.json()["outcome"] == "presumed_victim"
        await self.suite.settle()
        return str(response.json()["case_id"])

    async def consent(self, case_id: str, scope: str) -> dict[str, Any]:
        response = await self.suite.http.post(
            f"/api/v1/cases/{case_id}/consents",
            json={"scope": scope, "given": True, "method": "written"},
            headers=self.social_worker,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def assess_before_return(
        self, case_id: str, headers: dict[str, str], yes: list[str]
    ) -> dict[str, Any]:
        response = await self.suite.http.post(
            f"/api/v1/cases/{case_id}/risk-assessments", json=pre_return(yes), headers=headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    # --- referral

    async def reception_accepted(self, case_id: str, referrer: dict[str, str]) -> str:
        response = await self.suite.http.post(
            "/api/v1/referrals",
            json={
                "case_id": case_id,
                "provider_id": self.reception["id"],
                "services": ["psychological"],
            },
            headers=referrer,
        )
        assert response.status_code == 201, response.text
        referral_id = str(response.json()["id"])
        accepted = await self.suite.http.post(
            f"/api/v1/referrals/{referral_id}/accept", headers=self.reception_staff
        )
        assert accepted.status_code == 200, accepted.text
        return referral_id

    async def register(self, case_id: str) -> dict[str, Any]:
        response = await self.suite.http.post(
            "/api/v1/repatriations",
            json={
                "case_id": case_id,
                "direction": "from_romania",
                "country": "MD",
                "departure_place": "Iași",
                "return_place": "Chișinău",
                "partners": [self.consulate["id"], self.iom["id"]],
            },
            headers=self.coordinator,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def complete(
        self, repatriation_id: str, step: str, headers: dict[str, str], **body: Any
    ) -> Any:
        return await self.suite.http.post(
            f"/api/v1/repatriations/{repatriation_id}/steps/{step}/complete",
            json=body,
            headers=headers,
        )

    async def done(
        self, repatriation_id: str, step: str, headers: dict[str, str], **body: Any
    ) -> dict[str, Any]:
        response = await self.complete(repatriation_id, step, headers, **body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def determine(
        self, repatriation_id: str, headers: dict[str, str], kind: str, in_favour: bool = True
    ) -> Any:
        return await self.suite.http.post(
            f"/api/v1/repatriations/{repatriation_id}/determinations",
            json={"kind": kind, "in_favour": in_favour, "note": "Weighed with the family."},
            headers=headers,
        )


@pytest.fixture
async def world(suite: Suite) -> World:
    return await World(suite).build()


def evidence(repatriation: dict[str, Any], step: str) -> dict[str, Any]:
    [found] = [s for s in repatriation["steps"] if s["step"] == step]
    return dict(found["evidence"])


async def test_an_adults_return_to_moldova_goes_step_by_step_to_completed(
    suite: Suite, world: World
) -> None:
    case_id = await world.presumed_case()
    repatriation = await world.register(case_id)
    rid = repatriation["id"]
    assert repatriation["status"] == "open"
    await suite.settle()
    # The consulate it was asked to help reads the case in identification now.
    case = await suite.http.get(f"/api/v1/cases/{case_id}", headers=world.consul)
    assert case.status_code == 200, case.text

    await world.done(rid, "identity_documents", world.consul, note="Travel document issued.")

    consent = await world.consent(case_id, "repatriation")
    done = await world.done(rid, "consent_to_return", world.social_worker)
    assert evidence(done, "consent_to_return")["consent_id"] == consent["id"]

    assessment = await world.assess_before_return(case_id, world.social_worker, ["PRR-05"])
    assert assessment["level"] == "low"
    # No settle: the assessment's event has not arrived, so risk is asked directly.
    done = await world.done(
        rid, "pre_return_risk_assessment", world.social_worker, risk_assessment_id=assessment["id"]
    )
    assert evidence(done, "pre_return_risk_assessment")["risk_assessment_id"] == assessment["id"]
    assert done["travel_block"] is None

    await world.consent(case_id, "referral")
    referral_id = await world.reception_accepted(case_id, world.social_worker)
    done = await world.done(rid, "reception_arranged", world.coordinator, referral_id=referral_id)
    assert evidence(done, "reception_arranged")["referral_id"] == referral_id

    await world.done(rid, "travel_arranged", world.iom_staff, note="Bus Iași–Chișinău, 9:00.")
    await world.done(rid, "handover_completed", world.reception_staff)
    completed = await world.done(rid, "follow_up", world.reception_staff, note="Settled in.")
    assert completed["status"] == "completed"
    assert [s["status"] for s in completed["steps"]] == ["done"] * 8
    await suite.settle()

    read = await suite.http.get(f"/api/v1/repatriations/{rid}", headers=world.social_worker)
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"{rid}-8"'
    listed = await suite.http.get(
        "/api/v1/repatriations", params={"case_id": case_id}, headers=world.consul
    )
    assert [item["id"] for item in listed.json()["items"]] == [rid]


async def test_travel_asked_first_is_409_naming_the_missing_steps(
    suite: Suite, world: World
) -> None:
    rid = (await world.register(await world.presumed_case()))["id"]
    response = await world.complete(rid, "travel_arranged", world.coordinator)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/unmet-steps"
    assert problem["unmet_steps"] == [
        "identity_documents",
        "consent_to_return",
        "pre_return_risk_assessment",
        "reception_arranged",
    ]
    for step in problem["unmet_steps"]:
        assert step in problem["detail"]


async def test_a_childs_high_risk_blocks_travel_until_a_later_best_interests_determination(
    suite: Suite, world: World
) -> None:
    case_id = await world.presumed_case(PRESUMED_CHILD, age=16)
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    # Child protection has the child's case by the mechanism's own referral.
    favour = await world.determine(rid, world.child_protection, "best_interests")
    assert favour.status_code == 200, favour.text
    await world.done(rid, "consent_to_return", world.child_protection)
    high = await world.assess_before_return(case_id, world.child_protection, ["PRR-02"])
    assert high["level"] == "high"
    await suite.settle()  # the event, this time
    await world.done(rid, "pre_return_risk_assessment", world.child_protection)
    referral_id = await world.reception_accepted(case_id, world.coordinator)
    await world.done(rid, "reception_arranged", world.coordinator, referral_id=referral_id)
    escort = {"name": "Ioana Marin", "organisation": "IOM Moldova", "phone": "+373 22 000 000"}

    # The determination made before the assessment did not weigh it; a plan is not enough.
    plan = await world.determine(rid, world.coordinator, "mitigation_plan")
    assert plan.json()["travel_block"] == "best_interests_determination_required"
    blocked = await world.complete(rid, "travel_arranged", world.iom_staff, escort=escort)
    assert blocked.status_code == 409
    assert blocked.json()["type"] == "/problems/travel-blocked"
    assert blocked.json()["travel_block"] == "best_interests_determination_required"

    after = await world.determine(rid, world.child_protection, "best_interests")
    assert after.json()["travel_block"] is None
    no_escort = await world.complete(rid, "travel_arranged", world.iom_staff)
    assert no_escort.status_code == 422
    assert no_escort.json()["errors"][0]["field"] == "escort"
    travel = await world.done(rid, "travel_arranged", world.iom_staff, escort=escort)
    assert travel["status"] == "in_progress"


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("identity_documents", "iom_staff"),
        ("identity_documents", "social_worker"),
        ("travel_arranged", "consul"),
        ("follow_up", "iom_staff"),
    ],
)
async def test_a_role_not_named_for_a_step_is_403(
    suite: Suite, world: World, step: str, who: str
) -> None:
    rid = (await world.register(await world.presumed_case()))["id"]
    response = await world.complete(rid, step, getattr(world, who))
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


async def test_another_organisations_repatriation_is_404(suite: Suite, world: World) -> None:
    rid = (await world.register(await world.presumed_case()))["id"]
    other_consulate = await suite.headers_for(
        "consular_officer", name="Consulatul Ucrainei", kind="consulate", county="national"
    )
    cluj = await suite.headers_for(
        "coordinator", name="ANITP Cluj", kind="national_agency", county="RO-CJ"
    )
    other_social = await suite.headers_for(
        "social_worker", name="DAS Cluj", kind="social_services", county="RO-CJ"
    )
    for headers in (other_consulate, cluj, other_social):
        read = await suite.http.get(f"/api/v1/repatriations/{rid}", headers=headers)
        assert read.status_code == 404
        step = await world.complete(rid, "identity_documents", headers)
        assert step.status_code in (403, 404)
        listed = await suite.http.get("/api/v1/repatriations", headers=headers)
        assert listed.json()["items"] == []
    step = await world.complete(rid, "identity_documents", other_consulate)
    assert step.status_code == 404


async def test_overdue_steps_reach_the_coordinators_alerts(suite: Suite, world: World) -> None:
    repatriation = await world.register(await world.presumed_case())
    [documents] = [s for s in repatriation["steps"] if s["step"] == "identity_documents"]
    referral = suite.services["referral"].state
    later = datetime.fromisoformat(documents["due_at"]) + timedelta(hours=1)
    flagged = await flag_overdue_steps(referral.database, referral.outbox, referral.settings, later)
    assert flagged == 1
    await suite.settle()

    listed = await suite.http.get(
        "/api/v1/alerts",
        params={"kind": "repatriation_step_overdue", "open": "true"},
        headers=world.coordinator,
    )
    assert listed.status_code == 200, listed.text
    [alert] = listed.json()["items"]
    assert (alert["repatriation_id"], alert["step"]) == (repatriation["id"], "identity_documents")
    assert alert["county"] == "RO-IS"
    cluj = await suite.headers_for(
        "coordinator", name="ANITP Cluj", kind="national_agency", county="RO-CJ"
    )
    assert (await suite.http.get("/api/v1/alerts", headers=cluj)).json()["items"] == []
    assert (await suite.http.get("/api/v1/alerts", headers=world.consul)).status_code == 403

    acknowledged = await suite.http.post(
        f"/api/v1/alerts/{alert['id']}/acknowledge", headers=world.coordinator
    )
    assert acknowledged.status_code == 200, acknowledged.text
    work_list = await suite.http.get(
        "/api/v1/alerts", params={"open": "true"}, headers=world.coordinator
    )
    assert work_list.json()["items"] == []
    overdue = await suite.http.get(
        "/api/v1/repatriations", params={"overdue": "true"}, headers=world.coordinator
    )
    # Overdue is judged against the real clock: nothing is late yet in fact.
    assert overdue.json()["items"] == []
