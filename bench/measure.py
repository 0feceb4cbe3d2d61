"""What the bench measures on one running suite, each bounded in time.

CPU per request is read from `/proc` per process over a fixed-rate run, less what the
process spends idle over the same time (relays and jobs polling), after waiting until the
events the run caused have been delivered and consumed: so a screening's figure includes
the identification relay's deliveries and the risk and referral services' consumption of
`case.opened`. Latencies come from the load generator; sizes are bytes on the wire.
"""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.dataset import Actors, since
from bench.load import FlowResult, Step, hey, request, run_flows
from bench.processes import Suite
from services.registry import GATEWAY, IDENTIFICATION

PRESUMED = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
# The idle rate is the least of several short samples spread over longer than a periodic
# job runs (the statistics' recount at 100,000 cases takes about 3 s, the referral expiry
# less), and never more than the least seen before in the run: a job that fires during the
# samples must not count as idle, or it would be subtracted from the requests' CPU (a
# part's figure would read 0).
IDLE_SAMPLES = 6
IDLE_SAMPLE_SECONDS = 0.5
IDLE_GAP_SECONDS = 1.0
SETTLE_LIMIT_SECONDS = 20.0


def screening_body(yes: list[str], county: str = "RO-IS") -> dict[str, Any]:
    return {
        "exploitation_forms": ["labour"],
        "subject": {"age": 27, "possibly_minor": False, "gender": "female", "citizenship": "RO"},
        "context": {"county": county, "setting": "police_operation", "act_recorded": False},
        "answers": [{"indicator": code, "answer": "yes"} for code in yes],
    }


def initial_answers() -> list[dict[str, str]]:
    from risk_svc.instruments.v1 import INITIAL

    return [
        {"item": item.code, "answer": "yes" if index % 4 == 0 else "no"}
        for index, item in enumerate(INITIAL.items)
        if not item.child_only
    ]


@dataclass
class Context:
    suite: Suite
    actors: Actors
    tokens: dict[str, str]
    samples: dict[str, str]
    provider_staff: dict[str, str]  # provider id -> the username acting for it
    scratch: Path
    quick: bool
    # The least idle rate of each part seen so far in the run (see `least_idle_rates`).
    idle_floor: dict[str, float] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return self.suite.url(GATEWAY)

    def token(self, username: str) -> str:
        return self.tokens[username]

    @property
    def police(self) -> str:
        return self.tokens[self.actors.police.username]

    @property
    def coordinator(self) -> str:
        return self.tokens[self.actors.coordinator.username]

    def seconds(self, full: float) -> float:
        return max(3.0, full / 4) if self.quick else full


def idle_rates(suite: Suite, seconds: float = IDLE_SAMPLE_SECONDS) -> dict[str, float]:
    """CPU seconds per second each part spends with nothing asked of it."""
    before, started = suite.cpu(), time.monotonic()
    time.sleep(seconds)
    after, elapsed = suite.cpu(), time.monotonic() - started
    return {part: (after[part] - before[part]) / elapsed for part in before}


def least_idle_rates(ctx: Context) -> dict[str, float]:
    """Each part's idle rate: the least of `IDLE_SAMPLES` samples `IDLE_GAP_SECONDS` apart
    and of the least seen earlier in the run."""
    samples = []
    for index in range(IDLE_SAMPLES):
        if index:
            time.sleep(IDLE_GAP_SECONDS)
        samples.append(idle_rates(ctx.suite))
    for part in samples[0]:
        least = min(sample[part] for sample in samples)
        ctx.idle_floor[part] = min(least, ctx.idle_floor.get(part, least))
    return dict(ctx.idle_floor)


def settle(suite: Suite, idle: dict[str, float]) -> None:
    """Wait until every part is back to idle: the events a run wrote are consumed."""
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    while time.monotonic() < deadline:
        rates = idle_rates(suite, 0.5)
        if all(rates[part] <= idle[part] * 2 + 0.02 for part in rates):
            return


def cpu_per_request(ctx: Context, run: Callable[[], Any], count: Callable[[Any], int]) -> Any:
    """Run `run`, and answer its result with the CPU milliseconds each part spent per
    request (`count` of the result), idle time subtracted."""
    idle = least_idle_rates(ctx)
    before, started = ctx.suite.cpu(), time.monotonic()
    result = run()
    settle(ctx.suite, idle)
    after, elapsed = ctx.suite.cpu(), time.monotonic() - started
    requests = max(count(result), 1)
    spent = {
        part: max(0.0, after[part] - before[part] - idle[part] * elapsed) * 1000 / requests
        for part in before
    }
    figures = {part: round(ms, 2) for part, ms in spent.items()}
    figures["total"] = round(sum(spent.values()), 2)
    return result, figures


def _hey_cpu(ctx: Context, path: str, **options: Any) -> dict[str, Any]:
    latencies, cpu = cpu_per_request(
        ctx,
        lambda: hey(ctx.gateway + path, scratch=ctx.scratch, **options),
        lambda result: len(result.seconds),
    )
    return {"cpu_ms": cpu, **latencies.summary()}


def main_calls(ctx: Context) -> dict[str, Any]:
    """CPU per request of each part for the main calls, at a fixed rate through the
    gateway (10 per second, 5 clients)."""
    count = 40 if ctx.quick else 100
    fixed = {"rate": 10.0, "workers": 5, "requests": count}
    police, coordinator = ctx.police, ctx.coordinator
    case = ctx.samples["police_case"]
    figures = {
        "screening_presumed": _hey_cpu(
            ctx,
            "/api/v1/screenings",
            method="POST",
            body=json.dumps(screening_body(PRESUMED)).encode(),
            token=police,
            **fixed,
        ),
        "screening_no_indication": _hey_cpu(
            ctx,
            "/api/v1/screenings",
            method="POST",
            body=json.dumps(screening_body([])).encode(),
            token=police,
            **fixed,
        ),
        "case_get": _hey_cpu(ctx, f"/api/v1/cases/{case}", token=police, **fixed),
        "risk_assessment": _hey_cpu(
            ctx,
            f"/api/v1/cases/{case}/risk-assessments",
            method="POST",
            body=json.dumps({"instrument": "initial", "answers": initial_answers()}).encode(),
            token=police,
            **fixed,
        ),
        "provider_matches": _hey_cpu(
            ctx,
            f"/api/v1/cases/{case}/provider-matches?service=shelter",
            token=police,
            **fixed,
        ),
        "catalogue_list": _hey_cpu(ctx, "/api/v1/indicator-catalogues", token=police, **fixed),
    }
    figures["coordinator_case_list"] = _hey_cpu(
        ctx, "/api/v1/cases?status=presumed&limit=50", token=coordinator, **fixed
    )
    return figures


def lists(ctx: Context) -> dict[str, Any]:
    """The case list with filters and with `updated_since`, as the police unit (a tenth
    of the caseload is its own) and as the national coordinator (all of it)."""
    fixed = {"rate": 5.0, "workers": 2, "requests": 20 if ctx.quick else 50}
    updated = f"{since(7).isoformat()}T00:00:00Z"
    paths = {
        "police_status_county": ("/api/v1/cases?status=presumed&county=RO-IS", ctx.police),
        "police_updated_since": (f"/api/v1/cases?updated_since={updated}", ctx.police),
        "coordinator_status_county": (
            "/api/v1/cases?status=identified&county=RO-CJ",
            ctx.coordinator,
        ),
        "coordinator_updated_since": (f"/api/v1/cases?updated_since={updated}", ctx.coordinator),
        "coordinator_all": ("/api/v1/cases?limit=200", ctx.coordinator),
    }
    return {
        name: _hey_cpu(ctx, path, token=token, **fixed) for name, (path, token) in paths.items()
    }


def statistics(ctx: Context) -> dict[str, Any]:
    """Case statistics as the coordinator: the first request, then repeated ones."""
    figures = {}
    for name, query in (
        ("year_form", "group_by=year,exploitation_form"),
        ("county_outcome", "group_by=county,outcome"),
        ("one_year_gender", "group_by=gender,is_child&from=2025-01-01&to=2025-12-31"),
    ):
        path = f"/api/v1/statistics/cases?{query}"
        first = hey(
            ctx.gateway + path, token=ctx.coordinator, requests=1, workers=1, scratch=ctx.scratch
        )
        repeated = hey(
            ctx.gateway + path,
            token=ctx.coordinator,
            requests=3 if ctx.quick else 10,
            workers=1,
            scratch=ctx.scratch,
        )
        figures[name] = {"first": first.summary(), "repeated": repeated.summary()}
    return figures


def matching(ctx: Context) -> dict[str, Any]:
    """`provider-matches` over the whole directory, and the size of its answer."""
    figures: dict[str, Any] = {}
    for name, query in (
        ("shelter", "service=shelter"),
        ("shelter_psychological", "service=shelter&service=psychological"),
        ("by_assessment", ""),
        ("with_exclusions", "service=shelter&excluded=all"),
    ):
        path = f"/api/v1/cases/{ctx.samples['assessed_case']}/provider-matches?{query}"

        async def size(url: str = ctx.gateway + path) -> int:
            async with (
                aiohttp.ClientSession() as http,
                http.get(url, headers={"Authorization": f"Bearer {ctx.police}"}) as answer,
            ):
                return len(await answer.read())

        latencies = hey(
            ctx.gateway + path,
            token=ctx.police,
            requests=10 if ctx.quick else 30,
            workers=1,
            scratch=ctx.scratch,
        )
        figures[name] = {**latencies.summary(), "answer_bytes": asyncio.run(size())}
    return figures


def forwarding(ctx: Context) -> dict[str, Any]:
    """The same authenticated GET flat out, straight at the service and through the
    gateway: the gateway's throughput as a share of the service's own."""
    path = "/api/v1/indicator-catalogues"
    seconds = ctx.seconds(8.0)
    direct = hey(
        ctx.suite.url(IDENTIFICATION) + path,
        token=ctx.police,
        workers=8,
        seconds=seconds,
        scratch=ctx.scratch,
    )
    through = hey(
        ctx.gateway + path, token=ctx.police, workers=8, seconds=seconds, scratch=ctx.scratch
    )
    efficiency = (
        len(through.seconds) / through.elapsed / (len(direct.seconds) / direct.elapsed)
        if direct.seconds and through.seconds
        else None
    )
    return {
        "direct": direct.summary(),
        "gateway": through.summary(),
        "efficiency": round(efficiency, 3) if efficiency else None,
    }


def flow_steps(ctx: Context) -> list[tuple[str, Step]]:
    """The main flow: a screening that opens a case, the adult's consent to referral,
    the initial risk assessment, the matches, a referral to the best match, and the
    provider's acceptance."""
    police = ctx.police
    answers = initial_answers()

    async def screening(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        status, body = await request(http, "POST", "/api/v1/screenings", police, state["body"])
        state["case"] = body["case_id"] if status == 201 else None
        return status

    async def consent(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        body = {"scope": "referral", "given": True, "method": "written"}
        status, _ = await request(
            http, "POST", f"/api/v1/cases/{state['case']}/consents", police, body
        )
        return status

    async def assessment(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        path = f"/api/v1/cases/{state['case']}/risk-assessments"
        status, _ = await request(
            http, "POST", path, police, {"instrument": "initial", "answers": answers}
        )
        return status

    async def matches(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        path = f"/api/v1/cases/{state['case']}/provider-matches"
        status, body = await request(http, "GET", path, police, params={"service": "shelter"})
        found = body.get("matches") if status == 200 else None
        if not found:
            return 599 if status == 200 else status
        state["provider"] = found[0]["provider_id"]
        return status

    async def referral(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        body = {"case_id": state["case"], "provider_id": state["provider"], "services": ["shelter"]}
        status, answer = await request(http, "POST", "/api/v1/referrals", police, body)
        state["referral"] = answer["id"] if status == 201 else None
        return status

    async def accept(http: aiohttp.ClientSession, state: dict[str, Any]) -> int:
        staff = ctx.token(ctx.provider_staff[state["provider"]])
        path = f"/api/v1/referrals/{state['referral']}/accept"
        status, _ = await request(http, "POST", path, staff)
        return status

    return [
        ("screening", screening),
        ("consent", consent),
        ("assessment", assessment),
        ("matches", matches),
        ("referral", referral),
        ("accept", accept),
    ]


COUNTIES_OF_FLOWS = ("RO-IS", "RO-B", "RO-CJ", "RO-TM", "RO-CT", "RO-BV")


def _state(index: int) -> dict[str, Any]:
    return {"body": screening_body(PRESUMED, COUNTIES_OF_FLOWS[index % len(COUNTIES_OF_FLOWS)])}


def flows(ctx: Context) -> dict[str, Any]:
    """The main flow through the gateway at fixed rates (p50/p99 per step), its CPU per
    flow of each part, and the rate it saturates at (10 flows at a time, back to back)."""
    steps = flow_steps(ctx)
    seconds = ctx.seconds(15.0)
    figures: dict[str, Any] = {}
    measured, cpu = cpu_per_request(
        ctx,
        lambda: asyncio.run(run_flows(ctx.gateway, steps, _state, rate=2.0, seconds=seconds)),
        lambda result: result.flows,
    )
    figures["cpu_ms_per_flow"] = {**cpu, "flows": measured.flows, "failed": measured.failed}
    for rate in (1.0, 2.0, 5.0, 10.0):
        outcome = asyncio.run(run_flows(ctx.gateway, steps, _state, rate=rate, seconds=seconds))
        figures[f"rate_{rate:g}"] = outcome.summary()
        if outcome.failed > outcome.flows:
            break  # past saturation: higher rates tell nothing more
    saturated: FlowResult = asyncio.run(
        run_flows(ctx.gateway, steps, _state, rate=None, seconds=seconds, concurrency=10)
    )
    figures["saturation"] = saturated.summary()
    return figures


def screenings_under_load(ctx: Context) -> dict[str, Any]:
    """Screenings that open a case, through the gateway: a steady 100 per second (open
    loop, so a slow answer does not slow the arrivals), then flat out from 20 clients."""
    seconds = ctx.seconds(15.0)
    steps = flow_steps(ctx)[:1]
    steady = asyncio.run(run_flows(ctx.gateway, steps, _state, rate=100.0, seconds=seconds))
    flat_out = hey(
        ctx.gateway + "/api/v1/screenings",
        token=ctx.police,
        method="POST",
        body=json.dumps(screening_body(PRESUMED)).encode(),
        workers=20,
        seconds=seconds,
        scratch=ctx.scratch,
    )
    return {
        "steady_100_per_second": steady.steps["screening"].summary(),
        "saturation": flat_out.summary(),
    }


def memory(ctx: Context) -> dict[str, float]:
    """Resident memory of each process, in MiB."""
    return {part: round(rss / 2**20, 1) for part, rss in ctx.suite.rss().items()}
