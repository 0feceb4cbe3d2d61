"""Benchmark of `GET /api/v1/cases/{id}/provider-matches` over a directory of 20,000
providers: the whole request — token check, the case, loading the active directory from
the database, matching, and the JSON answer — through the real app over ASGI.

`python bench/bench_matches_endpoint.py` runs it on SQLite (a temporary file); with
`NIRM_BENCH_POSTGRES_URL=postgresql+asyncpg://user@host/postgres` also on PostgreSQL (a
scratch database it creates and drops). It prints the directory load alone and the whole
request, median and 99th percentile; it never fails on a timing.
"""

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

if not __package__:
    # Run as a script from a checkout: make the project's packages importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.bench_matching import SEED, _provider
from referral_svc.app import create_app
from referral_svc.cases.models import CaseFacts
from referral_svc.providers.models import Capacity, CoveredArea, OfferedService, Provider
from referral_svc.providers.repository import ProviderRepository
from referral_svc.settings import Settings
from services.registry import part
from shared.db import Database, migrate_async
from tests.support.auth import TokenIssuer

SIZE = 20_000
RUNS = 50
NEEDS = (("shelter", "psychological"), ("legal",), ("child_protection",), ("medical",))


async def _fill(database: Database, organisation: uuid.UUID) -> uuid.UUID:
    """The directory and one case, written in bulk (not through the API)."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    providers, services, areas, places = [], [], [], []
    for index in range(SIZE):
        facts = _provider(rng, index)
        provider_id = uuid.uuid4()
        providers.append(
            {
                "id": provider_id,
                "name": facts.name,
                "kind": facts.kind,
                "organisation_id": uuid.uuid4(),
                "accepts_adults": facts.accepts_adults,
                "accepts_children": facts.accepts_children,
                "genders": sorted(facts.genders),
                "languages": sorted(facts.languages),
                "specialisations": sorted(facts.specialisations),
                "accreditation_number": "B-1" if facts.accreditation_valid_until else None,
                "accreditation_valid_until": facts.accreditation_valid_until
                and facts.accreditation_valid_until.replace(year=2099),
                "active": facts.active,
                "median_accept_hours": facts.median_response_hours,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        services += [{"provider_id": provider_id, "service": s} for s in facts.services]
        coverage = ["national"] if facts.national else sorted(facts.counties)
        areas += [{"provider_id": provider_id, "area": a} for a in coverage]
        places += [
            {"provider_id": provider_id, "service": s, "total": 20, "free": free}
            for s, free in facts.free_capacity.items()
        ]
    case_id = uuid.uuid4()
    async with database.sessions.begin() as session:
        for model, rows in (
            (Provider, providers),
            (OfferedService, services),
            (CoveredArea, areas),
            (Capacity, places),
        ):
            for start in range(0, len(rows), 2000):
                await session.execute(insert(model), rows[start : start + 2000])
        await session.execute(
            insert(CaseFacts),
            [
                {
                    "case_id": case_id,
                    "version": 1,
                    "status": "presumed",
                    "is_child": False,
                    "county": "RO-IS",
                    "gender": "female",
                    "exploitation_forms": ["sexual"],
                    "organisation_id": organisation,
                    "is_foreign": False,
                    "updated_at": now,
                }
            ],
        )
    return case_id


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"{statistics.median(ordered) * 1000:>9.1f} {p99 * 1000:>8.1f}"


@asynccontextmanager
async def _postgres(url: str) -> AsyncIterator[str]:
    name = f"nirm_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


async def _measure(label: str, url: str) -> None:
    await migrate_async(part("referral").migrations, url)
    issuer = TokenIssuer()
    organisation = uuid.uuid4()
    token = issuer.token("police", organisation_id=organisation)
    settings = Settings(
        database_url=url, jwks_json=issuer.jwks_json, run_relay=False, run_jobs=False
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        case_id = await _fill(app.state.database, organisation)
        loads = []
        for _ in range(10):
            async with app.state.database.sessions() as session:
                started = time.perf_counter()
                await ProviderRepository(session).directory()
                loads.append(time.perf_counter() - started)
        requests = []
        sizes = []
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for run in range(RUNS):
                params = {"service": list(NEEDS[run % len(NEEDS)])}
                started = time.perf_counter()
                response = await client.get(
                    f"/api/v1/cases/{case_id}/provider-matches",
                    params=params,
                    headers={"Authorization": f"Bearer {token}"},
                )
                requests.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
                sizes.append(len(response.content))
    print(f"{label:<11} {'load':<8} {_ms(loads)}")
    answer_mb = statistics.median(sizes) / 1e6
    print(f"{label:<11} {'request':<8} {_ms(requests)}   answer ~{answer_mb:.1f} MB")


async def main() -> None:
    print(f"provider-matches over {SIZE:,} providers ({RUNS} requests, one process)")
    print(f"{'backend':<11} {'what':<8} {'median ms':>9} {'p99 ms':>8}")
    with tempfile.TemporaryDirectory() as folder:
        await _measure("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db")
    postgres = os.environ.get("NIRM_BENCH_POSTGRES_URL")
    if postgres:
        async with _postgres(postgres) as url:
            await _measure("postgresql", url)


if __name__ == "__main__":
    asyncio.run(main())
