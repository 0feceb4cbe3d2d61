"""`bench/RESULTS.md` from the bench's JSON: the headline figures with their targets, an
earlier run's beside them when given, then every step of the main flow and the lists."""

from collections.abc import Callable
from typing import Any

Figures = dict[str, Any]
Getter = Callable[[Figures], Any]


def _get(*path: str) -> Getter:
    def get(figures: Figures) -> Any:
        value: Any = figures
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return get


def _kib(*path: str) -> Getter:
    inner = _get(*path)

    def get(figures: Figures) -> Any:
        value = inner(figures)
        return None if value is None else round(value / 1024, 1)

    return get


PARTS = ("gateway", "identification", "risk", "referral")

HEADLINES: list[tuple[str, Getter, str]] = [
    *[
        (
            f"screening, presumed: CPU ms/request, {part}",
            _get("main_calls", "screening_presumed", "cpu_ms", part),
            "",
        )
        for part in (*PARTS, "total")
    ],
    *[
        (
            f"screening, no indication: CPU ms/request, {part}",
            _get("main_calls", "screening_no_indication", "cpu_ms", part),
            "",
        )
        for part in ("gateway", "identification", "total")
    ],
    (
        "screening, presumed: CPU ms all parts",
        _get("main_calls", "screening_presumed", "cpu_ms", "total"),
        "< 6",
    ),
    (
        "screening, no indication: CPU ms gateway + identification",
        lambda f: _sum(f, "screening_no_indication", ("gateway", "identification")),
        "< 3",
    ),
    (
        "screenings at a steady 100/s: served per second",
        _get("screenings_under_load", "steady_100_per_second", "per_second"),
        "100",
    ),
    (
        "screenings at a steady 100/s: p99 ms",
        _get("screenings_under_load", "steady_100_per_second", "p99_ms"),
        "< 50",
    ),
    (
        "screenings flat out (20 clients): per second",
        _get("screenings_under_load", "saturation", "per_second"),
        "> 300",
    ),
    ("provider-matches (shelter): median ms", _get("matching", "shelter", "p50_ms"), "< 30"),
    ("provider-matches (shelter): answer kB", _kib("matching", "shelter", "answer_bytes"), "< 50"),
    (
        "provider-matches, every exclusion listed: answer kB",
        _kib("matching", "with_exclusions", "answer_bytes"),
        "",
    ),
    (
        "statistics by year and form: first request ms",
        _get("statistics", "year_form", "first", "p50_ms"),
        "< 300",
    ),
    (
        "statistics by year and form: repeated, median ms",
        _get("statistics", "year_form", "repeated", "p50_ms"),
        "< 300",
    ),
    (
        "statistics by county and outcome: first request ms",
        _get("statistics", "county_outcome", "first", "p50_ms"),
        "< 300",
    ),
    (
        "statistics, one year by gender and age: first request ms",
        _get("statistics", "one_year_gender", "first", "p50_ms"),
        "< 300",
    ),
    (
        "forwarding efficiency (gateway / direct throughput)",
        _get("forwarding", "efficiency"),
        ">= 0.85",
    ),
    (
        "main flow flat out (10 at a time): flows per second",
        _get("flows", "saturation", "flows_per_second"),
        "",
    ),
    ("main flow: CPU ms per flow, all parts", _get("flows", "cpu_ms_per_flow", "total"), ""),
    *[(f"resident memory idle MiB, {part}", _get("memory_idle_mib", part), "") for part in PARTS],
    *[
        (f"resident memory after load MiB, {part}", _get("memory_after_mib", part), "")
        for part in PARTS
    ],
]


def _sum(figures: Figures, call: str, parts: tuple[str, ...]) -> Any:
    values = [_get("main_calls", call, "cpu_ms", part)(figures) for part in parts]
    return None if None in values else round(sum(values), 2)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _backend_table(backend: str, after: Figures, before: Figures | None) -> list[str]:
    lines = [f"### {backend}", ""]
    if before is not None:
        lines += ["| figure | before | after | target |", "|---|---:|---:|---|"]
        for label, get, target in HEADLINES:
            lines.append(f"| {label} | {_cell(get(before))} | {_cell(get(after))} | {target} |")
    else:
        lines += ["| figure | value | target |", "|---|---:|---|"]
        for label, get, target in HEADLINES:
            lines.append(f"| {label} | {_cell(get(after))} | {target} |")
    lines += [
        "",
        "Main calls through the gateway at 10 per second: CPU ms per request of each part, "
        "p50/p99 ms",
        "",
    ]
    lines += [
        "| call | " + " | ".join(PARTS) + " | total | p50 | p99 |",
        "|---" * (len(PARTS) + 4) + "|",
    ]
    for call, values in (after.get("main_calls") or {}).items():
        cpu = values.get("cpu_ms", {})
        cells = [_cell(cpu.get(part)) for part in (*PARTS, "total")]
        lines.append(
            f"| {call} | "
            + " | ".join(cells)
            + f" | {_cell(values.get('p50_ms'))} | {_cell(values.get('p99_ms'))} |"
        )
    lines += [
        "",
        "The main flow through the gateway: p50/p99 ms of each step at each rate "
        "(flows per second)",
        "",
    ]
    flows = after.get("flows") or {}
    runs = {
        name: run for name, run in flows.items() if name.startswith("rate_") or name == "saturation"
    }
    steps = next((list(run["steps"]) for run in runs.values()), [])
    lines += [
        "| rate | done | failed | " + " | ".join(steps) + " |",
        "|---" * (len(steps) + 3) + "|",
    ]
    for name, run in runs.items():
        cells = [
            f"{_cell(run['steps'][s].get('p50_ms'))} / {_cell(run['steps'][s].get('p99_ms'))}"
            for s in steps
        ]
        label = (
            name.removeprefix("rate_")
            if name != "saturation"
            else f"flat out ({_cell(run.get('flows_per_second'))}/s)"
        )
        lines.append(f"| {label} | {run['flows']} | {run['failed']} | " + " | ".join(cells) + " |")
    lines += ["", "Case lists (5 per second): CPU ms per request, p50/p99 ms", ""]
    lines += [
        "| list | identification CPU | gateway CPU | p50 | p99 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in (after.get("lists") or {}).items():
        cpu = values.get("cpu_ms", {})
        lines.append(
            f"| {name} | {_cell(cpu.get('identification'))} | {_cell(cpu.get('gateway'))} | "
            f"{_cell(values.get('p50_ms'))} | {_cell(values.get('p99_ms'))} |"
        )
    return [*lines, ""]


def render(after: Figures, before: Figures | None = None) -> str:
    machine = after["machine"]
    lines = [
        "# Bench results",
        "",
        "Made by `python -m bench` (see `bench/__main__.py`); its JSON holds every figure.",
        "CPU per request is read from `/proc` per process at a fixed rate, idle time subtracted,",
        "events included (a screening's figure has the relay's deliveries and their consumption).",
        "",
        f"- machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, {machine['system']}",
        f"- data: {after['sizes']['cases']:,} cases, {after['sizes']['providers']:,} providers",
        f"- after: commit {after['commit']} at {after['when']}",
    ]
    if before is not None:
        lines.append(f"- before: commit {before['commit']} at {before['when']}")
    lines.append("")
    for backend, figures in after["backends"].items():
        earlier = (before or {}).get("backends", {}).get(backend) if before else None
        lines += _backend_table(backend, figures, earlier)
    return "\n".join(lines) + "\n"
