"""What `make bench` measured: wrk's summaries, their medians over the rounds, and
docs/benchmarks.md. Plain functions of plain data, tested in ssp_portal/tests/test_bench_smoke.py."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

# The targets at scale 1 with 16 connections: each key page serves at least half the requests
# a second of the minimal page, and 99 in 100 requests take at most 150 ms.
TARGET_SHARE = 0.5
TARGET_P99_MS = 150.0
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class Run:
    """One wrk run of one page."""

    rps: float
    p50_ms: float
    p99_ms: float
    not_200: int = 0
    errors: int = 0


@dataclass(frozen=True)
class Row:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    share: float
    queries: int | None
    failures: int

    @property
    def met(self) -> bool:
        return self.share >= TARGET_SHARE and self.p99_ms <= TARGET_P99_MS and not self.failures


def parse_wrk(output: str) -> Run:
    """The summary that bench/wrk.lua prints; a ValueError when wrk printed none."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            seconds = data["duration_us"] / 1e6
            return Run(
                rps=data["requests"] / seconds if seconds else 0.0,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                not_200=data["not_200"],
                errors=data["socket_errors"] + data["timeouts"],
            )
    raise ValueError(f"wrk printed no summary:\n{output}")


def median_run(runs: list[Run]) -> Run:
    """The median of each figure over the rounds; answers that failed are added up."""
    return Run(
        rps=statistics.median(run.rps for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p99_ms=statistics.median(run.p99_ms for run in runs),
        not_200=sum(run.not_200 for run in runs),
        errors=sum(run.errors for run in runs),
    )


def rows(pages: list[dict], runs: dict[str, list[Run]], minimal: list[Run]) -> list[Row]:
    """A row per page: its medians, and its requests a second as a share of the minimal page's."""
    baseline = median_run(minimal).rps
    result = []
    for page in pages:
        run = median_run(runs[page["name"]])
        result.append(
            Row(
                name=page["name"],
                path=page["path"],
                rps=run.rps,
                p50_ms=run.p50_ms,
                p99_ms=run.p99_ms,
                share=run.rps / baseline if baseline else 0.0,
                queries=page.get("queries"),
                failures=run.not_200 + run.errors,
            )
        )
    return result


@dataclass(frozen=True)
class Scale:
    """The measurements at one scale of the bench seed."""

    scale: str
    seed: str
    minimal: Run
    rows: list[Row]
    notes: list[str]


def _yes(value: bool) -> str:
    return "yes" if value else "**no**"


def scale_table(result: Scale) -> list[str]:
    minimal = result.minimal
    lines = [
        f"### Scale {result.scale}",
        "",
        f"Data: {result.seed}. Minimal page: {minimal.rps:.1f} req/s, p50 {minimal.p50_ms:.1f} ms, "
        f"p99 {minimal.p99_ms:.1f} ms.",
        "",
        "| page | share of minimal | req/s | p50 (ms) | p99 (ms) | queries | target met? |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in result.rows:
        met = _yes(row.met) + (f" ({row.failures} failed answers)" if row.failures else "")
        queries = "" if row.queries is None else str(row.queries)
        lines.append(
            f"| {row.name} (`{row.path}`) | {row.share:.2f} | {row.rps:.1f} | {row.p50_ms:.1f} "
            f"| {row.p99_ms:.1f} | {queries} | {met} |"
        )
    return [*lines, "", *(f"- {note}" for note in result.notes), *([""] if result.notes else [])]


def comparison(results: list[Scale]) -> list[str]:
    """Whether each page keeps its share as the data grows: smallest scale against largest."""
    if len(results) < 2:
        return []
    small, large = results[0], results[-1]
    shares = {row.name: row.share for row in small.rows}
    lines = [
        f"### Share at scale {small.scale} and {large.scale}",
        "",
        f"| page | share at {small.scale} | share at {large.scale} | ratio |",
        "|---|---:|---:|---:|",
    ]
    for row in large.rows:
        if row.name in shares:
            before = shares[row.name]
            ratio = f"{row.share / before:.2f}" if before else ""
            lines.append(f"| {row.name} | {before:.2f} | {row.share:.2f} | {ratio} |")
    return [*lines, ""]


INTRO = """# Benchmarks

`make bench` measures the portal's key pages against the minimal page: the smallest honest
Django page on the same stack (`bench/minimal/`: Django's default middleware, one query of 20
rows, a template loop). Both are served side by side by gunicorn (`-w 2`, sync workers) from
the same PostgreSQL database, the portal with production settings (`DEBUG=false`, Redis cache,
static files from the manifest, HTTPS as told by a proxy's `X-Forwarded-Proto`). The data is
`seed_bench --scale N` in a fresh database per scale. wrk drives one page at a time, in rounds
that alternate between the minimal page and the portal's pages; each figure is the median over
the rounds. Signed-in pages are asked for with the session of a person who logged in (with the
second factor, for the roles that need one). Queries are those of one request to a warm
process, counted through Django's test client.

Targets, at scale 1 and 16 connections: every key page serves at least
{share} of the minimal page's requests a second, with p99 at most {p99:.0f} ms; the share stays
the same from scale 0.1 to scale 1. wrk runs on the same machine and takes some of its CPU, for
both pages alike.

Run it again with `make bench` (`BENCH_ARGS` overrides the options of `scripts/bench.py`, e.g.
`make bench BENCH_ARGS="--scale 1 --duration 20 --rounds 5"`); `make bench-smoke` checks at
scale 0.01 that every page answers.
"""


def document(machine: dict, options: dict, results: list[Scale]) -> str:
    lines = [
        INTRO.format(share=TARGET_SHARE, p99=TARGET_P99_MS),
        "## The last run",
        "",
        f"- Date: {machine['date']}",
        f"- Machine: {machine['cores']} cores ({machine['cpu']}), load average {machine['load']} "
        "before the run",
        f"- Versions: {machine['versions']}",
        f"- wrk: {options['connections']} connections, {options['threads']} threads, "
        f"{options['duration']} s a run, {options['rounds']} rounds",
        *(f"- {note}" for note in options.get("note", [])),
        "",
    ]
    for result in results:
        lines.extend(scale_table(result))
    lines.extend(comparison(results))
    return "\n".join(lines).rstrip() + "\n"
