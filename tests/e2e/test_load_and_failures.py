"""The suite as real processes under load and under failure, through the gateway.

- Twenty clients run the main flow at once (screening, the person's data, consent, a risk
  assessment, a referral accepted and completed): no error, and every count agrees
  afterwards, in each part and in the events between them.
- The names the flow used are nowhere in plaintext: not in any part's database files,
  event tables included, nor in any log.
- Each service killed in turn: the gateway answers 503 problem+json at once for its
  routes, the other parts go on serving, and once it is started again every event written
  meanwhile is delivered and no referral is lost or made twice.
- A service killed in the middle of writes holds each change whole or not at all.

Everything stays on loopback; each loop is bounded in count.
"""

import asyncio
import contextlib
import json
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from risk_svc.instruments.v1 import INITIAL
from services.registry import SERVICES
from tests.e2e.test_suite_processes import bearer, token
from tests.support.processes import RunningSuite, start_suite, wait_until
from tests.support.referral import provider_body

pytestmark = pytest.mark.e2e

CLIENTS = 20
FLOWS_PER_CLIENT = 3
PASSWORD = "correct horse battery staple"
PRESUMED = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
# The gateway must answer for a dead part at once; generous for a loaded machine.
DEAD_PART_ANSWER_SECONDS = 2.0
# Events left for a part that was down reach it within this once it is back.
CATCH_UP_SECONDS = 90.0


@dataclass
class Actors:
    """Who the main flow needs: a police officer, a shelter and its staff, a coordinator
    (and the admin and police organisation that made them, for more users)."""

    admin: dict[str, str]
    police_organisation: str
    police: dict[str, str]
    staff: dict[str, str]
    coordinator: dict[str, str]
    shelter_id: str


@dataclass
class Flows:
    """What the load run did, as the clients saw it."""

    case_ids: list[str] = field(default_factory=list)
    referral_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# A loaded two-core machine runs four parts and twenty clients here: the gateway waits as
# long as a service may take, so that slowness is not taken for a failure.
PATIENT = {
    "NIRM_GATEWAY_FORWARD_TIMEOUT_SECONDS": "60",
    **{f"NIRM_{p.name.upper()}_CALL_TIMEOUT_SECONDS": "60" for p in SERVICES},
}


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("load") / "data", environment=PATIENT)
    yield running
    running.kill_all()


@pytest.fixture(scope="module")
def api(suite: RunningSuite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=suite.url("gateway"), timeout=90, trust_env=False) as client:
        yield client


def member(
    api: httpx.Client, admin: dict[str, str], role: str, **organisation: str
) -> tuple[str, dict[str, str]]:
    """A new organisation and a user of `role` in it: its id and the user's headers."""
    made = api.post("/api/v1/organisations", json=organisation, headers=admin)
    assert made.status_code == 201, made.text
    username = f"{role}.{uuid.uuid4().hex[:8]}"
    user = api.post(
        "/api/v1/users",
        json={
            "username": username,
            "password": PASSWORD,
            "full_name": "Staff Member",
            "organisation_id": made.json()["id"],
            "roles": [role],
        },
        headers=admin,
    )
    assert user.status_code == 201, user.text
    return str(made.json()["id"]), bearer(token(api, username, PASSWORD))


def cast(api: httpx.Client, admin: dict[str, str]) -> Actors:
    """The main flow's actors, made through the gateway by `admin`."""
    police_org, police = member(
        api, admin, "police", name="IPJ Iași", kind="police", county="RO-IS"
    )
    _, coordinator = member(
        api, admin, "coordinator", name="ANITP", kind="national_agency", county="national"
    )
    shelter_org, staff = member(
        api, admin, "provider", name="Asociația Speranța", kind="ngo", county="RO-IS"
    )
    shelter = api.post(
        "/api/v1/providers",
        json=provider_body(
            uuid.UUID(shelter_org), capacity={"shelter": {"total": 1000, "free": 1000}}
        ),
        headers=coordinator,
    )
    assert shelter.status_code == 201, shelter.text
    return Actors(admin, police_org, police, staff, coordinator, shelter.json()["id"])


@pytest.fixture(scope="module")
def actors(suite: RunningSuite, api: httpx.Client) -> Actors:
    return cast(
        api, bearer(token(api, "admin", (suite.data_dir / "admin_password").read_text().strip()))
    )


def screening(county: str = "RO-IS") -> dict[str, Any]:
    return {
        "subject": {"age": 27, "gender": "female", "citizenship": "RO"},
        "context": {"county": county, "setting": "police_operation", "act_recorded": False},
        "answers": [{"indicator": code, "answer": "yes"} for code in PRESUMED],
    }


ASSESSMENT = {
    "instrument": "initial",
    "answers": [
        {"item": item.code, "answer": "yes" if item.code == "SAF-02" else "no"}
        for item in INITIAL.items
        if not item.child_only
    ],
}


async def main_flow(http: httpx.AsyncClient, actors: Actors, name: str, flows: Flows) -> None:
    def expect(response: httpx.Response, *statuses: int) -> dict[str, Any]:
        if response.status_code not in statuses:
            flows.errors.append(f"{response.request.method} {response.request.url.path}: "
                                f"{response.status_code} {response.text[:300]}")  # fmt: skip
            raise AssertionError
        return dict(response.json())

    police = actors.police
    screened = expect(await http.post("/api/v1/screenings", json=screening(), headers=police), 201)
    case_id = screened["case_id"]
    flows.case_ids.append(case_id)
    person = {"given_name": name, "family_name": f"{name}escu", "phone": "+40 722 000 000"}
    expect(await http.put(f"/api/v1/cases/{case_id}/person", json=person, headers=police), 200, 201)
    expect(
        await http.post(
            f"/api/v1/cases/{case_id}/consents",
            json={"scope": "referral", "given": True, "method": "written", "note": name},
            headers=police,
        ),
        201,
    )
    expect(
        await http.post(
            f"/api/v1/cases/{case_id}/risk-assessments", json=ASSESSMENT, headers=police
        ),
        201,
    )
    referral = expect(
        await http.post(
            "/api/v1/referrals",
            json={"case_id": case_id, "provider_id": actors.shelter_id, "services": ["shelter"]},
            headers=police,
        ),
        201,
    )
    flows.referral_ids.append(referral["id"])
    for action in ("accept", "complete"):
        expect(
            await http.post(f"/api/v1/referrals/{referral['id']}/{action}", headers=actors.staff),
            200,
        )


async def run_clients(suite: RunningSuite, actors: Actors) -> Flows:
    flows = Flows()
    limits = httpx.Limits(max_connections=CLIENTS)

    async def client(number: int) -> None:
        async with httpx.AsyncClient(
            base_url=suite.url("gateway"), timeout=90, trust_env=False, limits=limits
        ) as http:
            for flow in range(FLOWS_PER_CLIENT):
                name = f"Zorvexa{number:02d}x{flow}Quill"
                flows.names.append(name)
                try:
                    await main_flow(http, actors, name, flows)
                except AssertionError:
                    continue
                except httpx.HTTPError as failure:
                    flows.errors.append(f"{name}: {failure!r}")

    await asyncio.gather(*(client(number) for number in range(CLIENTS)))
    return flows


@pytest.fixture(scope="module")
def flows(suite: RunningSuite, actors: Actors) -> Flows:
    return asyncio.run(run_clients(suite, actors))


def database(suite: RunningSuite, part_name: str) -> sqlite3.Connection:
    path = suite.data_dir / f"{part_name}.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def scalar(suite: RunningSuite, part_name: str, statement: str) -> Any:
    connection = database(suite, part_name)
    try:
        return connection.execute(statement).fetchone()[0]
    finally:
        connection.close()


def backlog(suite: RunningSuite) -> dict[str, int]:
    """Events written but not yet delivered, per part."""
    return {
        p.name: scalar(suite, p.name, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
        for p in SERVICES
    }


def wait_for_empty_outboxes(suite: RunningSuite) -> None:
    wait_until(
        lambda: not any(backlog(suite).values()),
        CATCH_UP_SECONDS,
        f"outboxes empty {backlog(suite)}",
    )


def test_twenty_clients_run_the_main_flow_at_once_without_an_error(
    suite: RunningSuite, api: httpx.Client, actors: Actors, flows: Flows
) -> None:
    assert flows.errors == []
    total = CLIENTS * FLOWS_PER_CLIENT
    assert len(set(flows.case_ids)) == len(set(flows.referral_ids)) == total
    wait_for_empty_outboxes(suite)

    # Every part counts the same cases and referrals the clients made.
    assert scalar(suite, "identification", "SELECT count(*) FROM cases") == total
    assert scalar(suite, "identification", "SELECT count(*) FROM persons") == total
    assert scalar(suite, "risk", "SELECT count(*) FROM risk_assessments") == total
    assert scalar(suite, "referral", "SELECT count(*) FROM referrals") == total
    assert scalar(suite, "referral", "SELECT count(*) FROM referral_case_facts") == total
    completed = "SELECT count(*) FROM referrals WHERE status = 'completed'"
    assert scalar(suite, "referral", completed) == total
    free = api.get(f"/api/v1/providers/{actors.shelter_id}", headers=actors.coordinator)
    assert free.json()["capacity"]["shelter"]["free"] == 1000
    # Each event reached each of its consumers once: as many processed as delivered.
    delivered = Counter[str]()
    for producer in SERVICES:
        rows = database(suite, producer.name).execute(
            "SELECT destination FROM outbox WHERE destination LIKE 'service:%'"
        )
        delivered.update(destination.removeprefix("service:") for (destination,) in rows)
    for consumer in SERVICES:
        processed = scalar(suite, consumer.name, "SELECT count(*) FROM processed_events")
        assert processed == delivered[consumer.name], consumer.name


def test_no_name_the_flow_used_is_stored_or_logged_in_plaintext(
    suite: RunningSuite, api: httpx.Client, actors: Actors, flows: Flows
) -> None:
    case_id = flows.case_ids[0]
    person = api.get(f"/api/v1/cases/{case_id}/person", headers=actors.police)
    assert person.json()["given_name"] in flows.names  # stored, and readable by right
    files = [p for p in suite.data_dir.iterdir() if p.is_file()] + suite.logs()
    assert any(p.name.endswith(".db") for p in files)
    found = []
    for path in files:
        content = path.read_bytes()
        for name in flows.names:
            if name.encode() in content or name.encode("utf-16-le") in content:
                found.append(f"{name} in {path.name}")
    assert found == []


# A route of each service that reads only its own data.
READS = {
    "identification": "/api/v1/indicator-catalogues",
    "risk": "/api/v1/risk-instruments",
    "referral": "/api/v1/providers",
}


def test_each_service_killed_in_turn_is_503_at_once_and_catches_up_when_back(
    suite: RunningSuite, api: httpx.Client, actors: Actors, flows: Flows
) -> None:
    police, staff = actors.police, actors.staff
    referrals_before = scalar(suite, "referral", "SELECT count(*) FROM referrals")
    # A referral waiting for its answer while identification is down.
    case_id = api.post("/api/v1/screenings", json=screening(), headers=police).json()["case_id"]
    api.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=police,
    )
    waiting = api.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": actors.shelter_id, "services": ["shelter"]},
        headers=police,
    )
    assert waiting.status_code == 201, waiting.text

    for dead in ("identification", "risk", "referral"):
        suite.kill(dead)
        started = time.monotonic()
        answer = api.get(READS[dead], headers=police)
        assert time.monotonic() - started < DEAD_PART_ANSWER_SECONDS
        assert answer.status_code == 503, (dead, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        for part, path in READS.items():
            if part != dead:
                assert api.get(path, headers=police).status_code == 200, (dead, part)
        assert api.get("/api/v1/me", headers=police).status_code == 200

        # Events for the dead part pile up in the others' outboxes meanwhile.
        if dead == "identification":
            accepted = api.post(f"/api/v1/referrals/{waiting.json()['id']}/accept", headers=staff)
            assert accepted.status_code == 200, accepted.text
            pending = scalar(
                suite, "referral", "SELECT count(*) FROM outbox WHERE delivered_at IS NULL "
                "AND destination = 'service:identification'",
            )  # fmt: skip
            assert pending >= 1
        else:
            opened = api.post("/api/v1/screenings", json=screening(), headers=police)
            assert opened.status_code == 201, opened.text
        suite.restart(dead)
        wait_for_empty_outboxes(suite)

    referrals = database(suite, "referral").execute("SELECT id FROM referrals").fetchall()
    assert len(referrals) == len(set(referrals)) == referrals_before + 1
    case = api.get(f"/api/v1/cases/{case_id}", headers=police)
    assert case.status_code == 200
    assert (
        api.get(f"/api/v1/referrals/{waiting.json()['id']}", headers=staff).json()["status"]
        == "accepted"
    )


def test_a_service_killed_mid_write_holds_each_change_whole_or_not_at_all(
    suite: RunningSuite, actors: Actors
) -> None:
    answered: list[httpx.Response] = []
    cases_before = scalar(suite, "identification", "SELECT count(*) FROM cases")

    async def writes_then_kill() -> None:
        some_answered = asyncio.Event()

        async def write(http: httpx.AsyncClient) -> None:
            with contextlib.suppress(httpx.HTTPError):  # cut off by the kill
                answered.append(
                    await http.post("/api/v1/screenings", json=screening(), headers=actors.police)
                )
                if len(answered) >= 5:
                    some_answered.set()

        async with httpx.AsyncClient(
            base_url=suite.url("identification"), timeout=30, trust_env=False
        ) as http:
            tasks = [asyncio.create_task(write(http)) for _ in range(40)]
            await asyncio.wait_for(some_answered.wait(), timeout=120)
            suite.kill("identification")
            await asyncio.gather(*tasks)

    asyncio.run(writes_then_kill())
    suite.restart("identification")
    created = [r.json()["case_id"] for r in answered if r.status_code == 201]
    assert len(created) >= 5
    connection = database(suite, "identification")
    try:
        stored = {row[0] for row in connection.execute("SELECT id FROM cases")}
        assert len(stored) >= cases_before + len(created)
        # Each case holds its screening and the events announcing it.
        unscreened = connection.execute(
            "SELECT count(*) FROM cases WHERE id NOT IN "
            "(SELECT case_id FROM screenings WHERE case_id IS NOT NULL)"
        ).fetchone()[0]
        assert unscreened == 0
        announced = Counter(
            json.loads(body)["payload"]["case_id"]
            for (body,) in connection.execute("SELECT body FROM outbox WHERE topic = 'case.opened'")
        )
        assert len(announced) == len(stored)
        assert set(announced.values()) == {2}  # risk and referral
    finally:
        connection.close()
    wait_for_empty_outboxes(suite)
