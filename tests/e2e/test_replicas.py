"""The suite scaled out: two replicas of every part on PostgreSQL, as real processes.

Each pair of replicas shares its part's database and is reached through a round-robin
balancer (`tests/support/replicas.py`); the replicas race to migrate their empty databases
at start. Through them:

- a token signed by one gateway replica verifies at the other and at every service replica;
- an `Idempotency-Key` replayed on the other gateway replica replays;
- the rate limit and the sign-in lockout count across the gateway replicas;
- a disabled user is refused by every replica within the documented delay (the account
  check's second at the gateways, the half-second revocation poll at the services);
- the scheduled jobs run in every replica with one effect: one expiry, one alert;
- with the relays of every replica running, and one replica killed mid-flow, every event
  reaches each of its consumers exactly once in effect — none lost, none applied twice;
- a rolling restart of the gateway and of the identification service (each replica out of
  its balancer, SIGTERM, started again, back in) while clients keep calling through every
  part: not one request fails, and every replica stopped shuts down cleanly (its relay
  handing back what it held, `tests/shared/test_events_delivery.py`).

One suite is started for the module; every loop is bounded in count.
"""

import asyncio
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from services.registry import GATEWAY, IDENTIFICATION, REFERRAL, SERVICES
from tests.e2e.test_load_and_failures import ASSESSMENT, PASSWORD, Actors, cast, screening
from tests.e2e.test_suite_processes import bearer, token
from tests.support.databases import needs_postgres
from tests.support.processes import wait_until
from tests.support.replicas import ReplicaSuite, start_replicas

pytestmark = [pytest.mark.e2e, needs_postgres]

RATE_LIMIT = 300
MAX_FAILURES = 5
SETTINGS = {
    "NIRM_GATEWAY_RATE_LIMIT": str(RATE_LIMIT),
    "NIRM_GATEWAY_SIGN_IN_MAX_FAILURES": str(MAX_FAILURES),
    # The jobs run often, so that both replicas run them many times within the test.
    "NIRM_REFERRAL_EXPIRY_INTERVAL_SECONDS": "0.3",
    "NIRM_REFERRAL_OVERDUE_INTERVAL_SECONDS": "0.3",
    # A loaded two-core machine runs eight parts here: slowness is not a failure.
    "NIRM_GATEWAY_FORWARD_TIMEOUT_SECONDS": "30",
    # What a killed replica had claimed is taken over after this (above the calls' 5 s).
    **{f"NIRM_{p.name.upper()}_RELAY_LEASE_SECONDS": "6" for p in SERVICES},
}
# How long a change of an account takes to reach every replica (README, gateway/README.md:
# the account check is remembered a second; services poll revocations twice a second),
# with room for a loaded machine.
REVOCATION_BOUND_SECONDS = 1.0 + 9.0
# Events a killed replica had claimed wait for their lease to run out.
CATCH_UP_SECONDS = 60.0


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicaSuite]:
    running = start_replicas(tmp_path_factory.mktemp("replicas"), settings=SETTINGS)
    yield running
    running.close()


@pytest.fixture(scope="module")
def api(suite: ReplicaSuite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=suite.url("gateway"), timeout=90, trust_env=False) as client:
        yield client


def gateways(suite: ReplicaSuite) -> list[httpx.Client]:
    return [httpx.Client(base_url=r.url, timeout=90, trust_env=False) for r in suite.of("gateway")]


@pytest.fixture(scope="module")
def actors(suite: ReplicaSuite, api: httpx.Client) -> Actors:
    return cast(api, bearer(token(api, "admin", suite.admin_password)))


def officer(api: httpx.Client, actors: Actors) -> tuple[str, str]:
    """A new police user of the module's police organisation: its id and username."""
    username = f"police.{uuid.uuid4().hex[:8]}"
    made = api.post(
        "/api/v1/users",
        json={
            "username": username,
            "password": PASSWORD,
            "full_name": "Ana Pop",
            "organisation_id": actors.police_organisation,
            "roles": ["police"],
        },
        headers=actors.admin,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"]), username


def fetch(suite: ReplicaSuite, part_name: str, statement: str, *args: Any) -> list[Any]:
    """Rows of a statement on a part's database (the test's own look, not through a part)."""
    url = make_url(suite.databases[part_name]).set(drivername="postgresql")

    async def run() -> list[Any]:
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))
        try:
            return list(await connection.fetch(statement, *args))
        finally:
            await connection.close()

    return asyncio.run(run())


def test_a_token_signed_by_one_gateway_replica_verifies_at_every_other_replica(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    _, username = officer(api, actors)
    first, second = gateways(suite)
    with first, second:
        headers = bearer(token(first, username, PASSWORD))
        assert (
            first.get("/.well-known/jwks.json").json()
            == second.get("/.well-known/jwks.json").json()
        )
        assert second.get("/api/v1/me", headers=headers).status_code == 200
        assert second.get("/api/v1/cases", headers=headers).status_code == 200
    for replica in suite.of(IDENTIFICATION.name):
        direct = httpx.get(f"{replica.url}/api/v1/cases", headers=headers, timeout=30)
        assert direct.status_code == 200, (replica.name, direct.text)


def test_an_idempotency_key_replayed_on_the_other_gateway_replica_replays(
    suite: ReplicaSuite, actors: Actors
) -> None:
    body = {"name": f"DGASPC {uuid.uuid4().hex[:6]}", "kind": "child_protection", "county": "RO-CJ"}
    headers = {**actors.admin, "Idempotency-Key": uuid.uuid4().hex}
    first, second = gateways(suite)
    with first, second:
        made = first.post("/api/v1/organisations", json=body, headers=headers)
        replayed = second.post("/api/v1/organisations", json=body, headers=headers)
        listed = second.get("/api/v1/organisations?limit=200", headers=actors.admin)
    assert made.status_code == replayed.status_code == 201, (made.text, replayed.text)
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in made.headers
    assert replayed.json() == made.json()
    assert [o["name"] for o in listed.json()["items"]].count(body["name"]) == 1


def test_the_rate_limit_counts_across_the_gateway_replicas(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    _, username = officer(api, actors)
    headers = bearer(token(api, username, PASSWORD))
    replicas = [r.url for r in suite.of("gateway")]

    async def until_limited() -> tuple[int, httpx.Response]:
        """Requests alternating between the replicas until one is refused: how many were
        let through, and the refusal."""
        async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
            for sent in range(0, 2 * RATE_LIMIT, 10):
                answers = await asyncio.gather(
                    *(
                        http.get(f"{replicas[n % 2]}/api/v1/me", headers=headers)
                        for n in range(sent, sent + 10)
                    )
                )
                refused = [a for a in answers if a.status_code == 429]
                if refused:
                    return sent + len(answers) - len(refused), refused[0]
                assert all(a.status_code == 200 for a in answers)
        raise AssertionError("never limited")

    # The window is a fixed minute: a count that straddles two is taken again.
    for _ in range(2):
        minute = time.time() // 60
        allowed, refusal = asyncio.run(until_limited())
        if time.time() // 60 == minute:
            break
    # Each replica saw half: counted alone, neither would have refused anything yet.
    assert allowed == RATE_LIMIT
    assert int(refusal.headers["Retry-After"]) >= 1


def test_the_sign_in_lockout_counts_across_the_gateway_replicas(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    _, username = officer(api, actors)
    first, second = gateways(suite)

    def sign_in(gateway: httpx.Client, password: str) -> httpx.Response:
        return gateway.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )

    with first, second:
        for attempt in range(MAX_FAILURES):
            wrong = sign_in((first, second)[attempt % 2], "not the password at all")
            assert wrong.status_code == 400, wrong.text
        # Each replica saw fewer failures than the limit; together they reach it.
        for gateway in (first, second):
            locked = sign_in(gateway, PASSWORD)
            assert locked.status_code == 429, locked.text
            assert int(locked.headers["Retry-After"]) >= 1


def test_a_disabled_user_is_refused_by_every_replica_within_the_documented_delay(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    user_id, username = officer(api, actors)
    headers = bearer(token(api, username, PASSWORD))
    # Every gateway replica, and every replica of a service called directly.
    reads = [f"{r.url}/api/v1/me" for r in suite.of(GATEWAY.name)]
    reads += [f"{r.url}/api/v1/cases" for r in suite.of(IDENTIFICATION.name)]
    reads += [f"{r.url}/api/v1/referrals" for r in suite.of(REFERRAL.name)]
    with httpx.Client(timeout=30, trust_env=False) as http:
        assert [http.get(url, headers=headers).status_code for url in reads] == [200] * len(reads)
        disabled = api.patch(
            f"/api/v1/users/{user_id}", json={"active": False}, headers=actors.admin
        )
        assert disabled.status_code == 200, disabled.text
        pending = set(reads)

        def refused_everywhere() -> bool:
            for url in list(pending):
                if http.get(url, headers=headers).status_code == 401:
                    pending.discard(url)
            return not pending

        wait_until(refused_everywhere, REVOCATION_BOUND_SECONDS, f"refused at {pending}")
        # And it stays refused: no replica goes back to an older view.
        assert {http.get(url, headers=headers).status_code for url in reads} == {401}


def referral_for_new_case(api: httpx.Client, actors: Actors, police: dict[str, str]) -> str:
    case = api.post("/api/v1/screenings", json=screening(), headers=police)
    assert case.status_code == 201, case.text
    case_id = case.json()["case_id"]
    consent = api.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=police,
    )
    assert consent.status_code == 201, consent.text
    referral = api.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": actors.shelter_id, "services": ["shelter"]},
        headers=police,
    )
    assert referral.status_code == 201, referral.text
    return str(referral.json()["id"])


def test_a_referral_past_its_deadline_expires_once_with_one_alert_whichever_replica_runs_it(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    _, username = officer(api, actors)
    police = bearer(token(api, username, PASSWORD))
    referral_id = referral_for_new_case(api, actors, police)
    # Its deadline moved into the past, as time would: both replicas' jobs now race for it.
    fetch(
        suite,
        REFERRAL.name,
        "UPDATE referrals SET respond_by = now() - interval '1 minute' WHERE id = $1",
        uuid.UUID(referral_id),
    )

    def status() -> str:
        return str(api.get(f"/api/v1/referrals/{referral_id}", headers=police).json()["status"])

    wait_until(lambda: status() == "expired", 30, "the referral expires")
    time.sleep(0.7)  # more runs of both replicas' jobs, which must change nothing
    alerts = fetch(
        suite, REFERRAL.name, "SELECT id FROM alerts WHERE referral_id = $1", uuid.UUID(referral_id)
    )
    assert len(alerts) == 1
    announced = fetch(
        suite,
        REFERRAL.name,
        "SELECT destination, topic FROM outbox WHERE body::text LIKE $1 AND topic <> $2",
        f"%{referral_id}%",
        "referral.created",
    )
    expiries = [row for row in announced if row["topic"] == "referral.status_changed"]
    assert len(expiries) == len({row["destination"] for row in expiries}) >= 1
    raised = [row for row in announced if row["topic"] == "alert.raised"]
    assert len(raised) == len({row["destination"] for row in raised})


FLOW_CLIENTS = 4
FLOWS_PER_CLIENT = 3
KILL_AFTER_FLOWS = 4


async def main_flow(http: httpx.AsyncClient, actors: Actors, police: dict[str, str]) -> None:
    """Screening (case.opened), consent, risk assessment (risk.assessed), referral
    (referral.created), accepted and completed (referral.status_changed)."""
    case = await http.post("/api/v1/screenings", json=screening(), headers=police)
    case.raise_for_status()
    case_id = case.json()["case_id"]
    for path, body in (
        (
            f"/api/v1/cases/{case_id}/consents",
            {"scope": "referral", "given": True, "method": "written"},
        ),
        (f"/api/v1/cases/{case_id}/risk-assessments", ASSESSMENT),
    ):
        (await http.post(path, json=body, headers=police)).raise_for_status()
    referral = await http.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": actors.shelter_id, "services": ["shelter"]},
        headers=police,
    )
    referral.raise_for_status()
    for action in ("accept", "complete"):
        answer = await http.post(
            f"/api/v1/referrals/{referral.json()['id']}/{action}", headers=actors.staff
        )
        answer.raise_for_status()


def pending_events(suite: ReplicaSuite) -> dict[str, int]:
    statement = (
        "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND destination LIKE 'service:%'"
    )
    return {p.name: fetch(suite, p.name, statement)[0][0] for p in SERVICES}


def test_every_event_reaches_each_consumer_once_with_relays_in_every_replica_and_one_killed(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    polices = []
    for _ in range(FLOW_CLIENTS):
        _, username = officer(api, actors)
        polices.append(bearer(token(api, username, PASSWORD)))
    victim = suite.of(IDENTIFICATION.name)[1]
    done: list[int] = []
    failed: list[str] = []

    async def client(police: dict[str, str]) -> None:
        async with httpx.AsyncClient(
            base_url=suite.url("gateway"), timeout=90, trust_env=False
        ) as http:
            for _ in range(FLOWS_PER_CLIENT):
                try:
                    await main_flow(http, actors, police)
                except httpx.HTTPError as failure:
                    # A request the killed replica was serving: its flow stops there.
                    failed.append(repr(failure))
                done.append(1)
                if len(done) == KILL_AFTER_FLOWS:
                    halfway.set()

    halfway = asyncio.Event()

    async def killer() -> None:
        await halfway.wait()
        await asyncio.to_thread(victim.kill)

    async def run() -> None:
        await asyncio.gather(killer(), *(client(police) for police in polices))

    asyncio.run(run())
    assert not victim.alive
    assert len(failed) < FLOW_CLIENTS * FLOWS_PER_CLIENT // 2, failed
    wait_until(
        lambda: not any(pending_events(suite).values()),
        CATCH_UP_SECONDS,
        f"every event delivered {pending_events(suite)}",
    )
    # What each consumer processed is exactly what was sent to it: none lost, none extra
    # (processed event ids are unique: an event delivered twice is applied once).
    for consumer in SERVICES:
        sent: set[uuid.UUID] = set()
        for producer in SERVICES:
            rows = fetch(
                suite,
                producer.name,
                "SELECT event_id FROM outbox WHERE destination = $1",
                f"service:{consumer.name}",
            )
            sent.update(row["event_id"] for row in rows)
        processed = {
            row["event_id"]
            for row in fetch(suite, consumer.name, "SELECT event_id FROM processed_events")
        }
        assert processed == sent, consumer.name
    # The effects agree: every case is known once to the referral service, every
    # referral's status once to identification.
    cases = fetch(suite, IDENTIFICATION.name, "SELECT count(*) FROM cases")[0][0]
    facts = fetch(suite, REFERRAL.name, "SELECT count(*) FROM referral_case_facts")[0][0]
    assert facts == cases
    victim.start(migrate=False)
    suite.wait_ready([victim])


def test_a_rolling_restart_fails_no_request(
    suite: ReplicaSuite, api: httpx.Client, actors: Actors
) -> None:
    polices = []
    for _ in range(4):
        _, username = officer(api, actors)
        polices.append(bearer(token(api, username, PASSWORD)))
    reads = [
        "/api/v1/me",
        "/api/v1/cases?limit=5",
        "/api/v1/risk-instruments",
        "/api/v1/providers?limit=5",
    ]
    failures: list[str] = []
    answered: list[int] = []
    statuses: list[int] = []
    stop = asyncio.Event()

    async def client(police: dict[str, str]) -> None:
        async with httpx.AsyncClient(
            base_url=suite.url("gateway"), timeout=90, trust_env=False
        ) as http:
            turn = 0
            while not stop.is_set():
                turn += 1
                try:
                    if turn % 5 == 0:
                        answer = await http.post(
                            "/api/v1/screenings", json=screening(), headers=police
                        )
                    else:
                        answer = await http.get(reads[turn % len(reads)], headers=police)
                except httpx.HTTPError as failure:
                    failures.append(repr(failure))
                    continue
                if answer.status_code >= 400:
                    failures.append(
                        f"{answer.request.url.path}: {answer.status_code} {answer.text[:200]}"
                    )
                answered.append(answer.status_code)
                await asyncio.sleep(0.02)

    async def roll() -> None:
        # Both parts at once, one replica of each at a time: each keeps one serving.
        for index in (0, 1):
            replicas = [suite.of(p.name)[index] for p in (GATEWAY, IDENTIFICATION)]
            statuses.extend(await asyncio.to_thread(suite.restart, replicas))
        stop.set()

    async def run() -> None:
        await asyncio.gather(roll(), *(client(police) for police in polices))

    asyncio.run(run())
    assert failures == []
    assert len(answered) > 50
    # uvicorn ends by the signal it was sent once its shutdown is complete.
    assert set(statuses) <= {0, -signal.SIGTERM}, statuses
    for replica in [*suite.of(GATEWAY.name), *suite.of(IDENTIFICATION.name)]:
        assert "Application shutdown complete." in replica.log.read_text(), replica.name
