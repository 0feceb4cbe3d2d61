"""`python -m bench` (or `./dev bench`): the suite as real processes, on SQLite and on
PostgreSQL, over a national caseload, measured on loopback.

For each backend it makes fresh databases, migrates them, starts the gateway, makes the
organisations and their people through its admin API, writes the generated caseload
(`bench/dataset.py`: 100,000 cases with screenings, decisions, consents, assessments and
referrals, and 20,000 providers) into the services' databases, starts the services, and
measures (`bench/measure.py`): the CPU per request of each part for the main calls at a
fixed rate; the case lists; statistics; matching; the gateway's forwarding; the main
flow at fixed rates and at saturation; screenings at a steady 100 per second; resident
memory idle and after the load. It prints each figure as it comes, writes them all to a
JSON file and renders `bench/RESULTS.md` from it (with `--before`, side by side with an
earlier run's). Figures only: it never fails on a timing.

`hey` (Debian package `hey`) generates the single-endpoint load; it is installed with
apt when missing. PostgreSQL is the server at `--postgres-url` (default: the
`NIRM_BENCH_POSTGRES_URL` variable, else the local one); `--backend sqlite` leaves it out.
"""

import argparse
import asyncio
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import dataset, measure, report
from bench.load import hey_installed
from bench.processes import (
    ADMIN_PASSWORD,
    Suite,
    drop,
    migrate_all,
    postgres_databases,
    sqlite_databases,
)
from services.datadir import DataDir
from services.registry import GATEWAY, SERVICES
from tests.support.processes import free_base_port

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def _say(text: str) -> None:
    print(text, flush=True)


def _ensure_hey() -> None:
    if hey_installed():
        return
    _say("installing hey (apt) ...")
    subprocess.run(["apt-get", "install", "-y", "-qq", "hey"], check=True)


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _timed(name: str, figures: dict[str, Any], run: Callable[[], Any]) -> None:
    started = time.monotonic()
    _say(f"- {name} ...")
    figures[name] = run()
    _say(json.dumps(figures[name], indent=1)[:4000])
    _say(f"  ({time.monotonic() - started:.0f} s)")


def _hold(suite: Suite, token: str, samples: dict[str, str], seconds: float) -> None:
    """Keep the loaded suite up before measuring, for a profiler (`py-spy record -p PID`)
    or requests by hand."""
    for name, process in suite.processes.items():
        _say(f"  {name}: pid {process.popen.pid}, {process.url}")
    _say(f"  a police officer's token: {token}")
    _say(f"  the ids the bench asks about: {json.dumps(samples)}")
    _say(f"  holding for {seconds:.0f} s ...")
    time.sleep(seconds)


# What the bench measures, in the order it does.
SECTIONS: dict[str, Callable[[measure.Context], Any]] = {
    "main_calls": measure.main_calls,
    "lists": measure.lists,
    "statistics": measure.statistics,
    "matching": measure.matching,
    "forwarding": measure.forwarding,
    "flows": measure.flows,
    "screenings_under_load": measure.screenings_under_load,
}


def run_backend(backend: str, sizes: dataset.Sizes, args: argparse.Namespace) -> dict[str, Any]:
    _say(f"\n=== {backend}: {sizes.cases:,} cases, {sizes.providers:,} providers")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nirm-bench-") as folder:
        data_dir = DataDir(Path(folder))
        data_dir.create()
        databases = (
            sqlite_databases(data_dir)
            if backend == "sqlite"
            else asyncio.run(postgres_databases(args.postgres_url))
        )
        suite = Suite(data_dir, databases, free_base_port())
        try:
            started = time.monotonic()
            migrate_all(databases)
            suite.start([GATEWAY])
            actors = asyncio.run(dataset.make_actors(suite.url(GATEWAY), ADMIN_PASSWORD, sizes))
            loaded = asyncio.run(
                dataset.load(
                    databases.urls, data_dir, actors, sizes, lambda text: _say(f"  {text}")
                )
            )
            suite.start(SERVICES)
            figures["load"] = {"rows": loaded.rows, "seconds": round(time.monotonic() - started)}
            tokens = asyncio.run(dataset.tokens(suite.url(GATEWAY), actors.all))
            ctx = measure.Context(
                suite,
                actors,
                tokens,
                loaded.samples,
                loaded.provider_staff,
                Path(folder),
                args.quick,
            )
            if args.hold:
                _hold(suite, tokens[actors.police.username], loaded.samples, args.hold)
            figures["memory_idle_mib"] = measure.memory(ctx)
            for name, section in SECTIONS.items():
                if not args.only or name in args.only:
                    _timed(name, figures, functools.partial(section, ctx))
            figures["memory_after_mib"] = measure.memory(ctx)
        finally:
            suite.stop()
            asyncio.run(drop(databases))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("NIRM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--cases", type=int, default=dataset.Sizes.cases)
    parser.add_argument("--providers", type=int, default=dataset.Sizes.providers)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, short runs")
    parser.add_argument("--label", default="after", help="what this run is (after, before, ...)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--before", type=Path, help="an earlier run's JSON to compare with")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument(
        "--hold",
        type=float,
        default=0,
        metavar="SECONDS",
        help="once loaded, keep the suite up this long before measuring (to profile it)",
    )
    parser.add_argument(
        "--only",
        choices=tuple(SECTIONS),
        action="append",
        help="measure only this (repeatable): a profile or a before/after of one path; "
        "bench/RESULTS.md is left as it is",
    )
    args = parser.parse_args(argv)
    if shutil.which("apt-get") is None and not hey_installed():
        sys.exit("The bench needs `hey` on the PATH.")
    _ensure_hey()
    sizes = dataset.Sizes(
        cases=args.cases // 10 if args.quick else args.cases,
        providers=args.providers // 10 if args.quick else args.providers,
    )
    run = {
        "label": args.label,
        "commit": _commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "sizes": {"cases": sizes.cases, "providers": sizes.providers},
        "backends": {},
    }
    for backend in args.backend or ("sqlite", "postgresql"):
        run["backends"][backend] = run_backend(backend, sizes, args)
        # Written after each backend: a run that fails later keeps what it measured.
        args.out.write_text(json.dumps(run, indent=1) + "\n")
    if args.only:
        _say(f"\nFigures in {args.out}.")
        return
    before = json.loads(args.before.read_text()) if args.before else None
    args.results.write_text(report.render(run, before))
    _say(f"\nFigures in {args.out}; summary in {args.results}.")


if __name__ == "__main__":
    main()
