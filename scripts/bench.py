#!/usr/bin/env python3
"""The benchmark of the portal's key pages (`make bench`), written to docs/benchmarks.md.

For each scale: a fresh PostgreSQL database, `seed_bench --scale N` (`seed_demo` where the
command does not exist yet), the portal (production settings) and the minimal page
(bench/minimal/) under gunicorn side by side, a check that every key page answers itself, then
wrk in rounds that alternate between the minimal page and the portal's pages.

    .venv/bin/python scripts/bench.py --scale 0.1 1 --duration 10 --rounds 3
    .venv/bin/python scripts/bench.py --smoke        # scale 0.01: every page answers, 3 s each

Needs wrk (Debian: apt-get install wrk), PostgreSQL at BENCH_DATABASE (default
postgres://postgres@127.0.0.1:5432) and Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/13).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import results  # noqa: E402

PYTHON = sys.executable
VAR = ROOT / "var" / "bench"
SERVER = os.environ.get("BENCH_DATABASE", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
HOST = "127.0.0.1"
# As a TLS proxy in front of the portal would tell it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": HOST}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", nargs="+", default=["0.1", "1"], help="scales of seed_bench (0.1 1)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every page (3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server (2)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--note", action="append", default=[], help="a line about the run for the document")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="measure a scale's database seeded by an earlier run again (migrated, not seeded again)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="scale 0.01, one round of 3 s, no document: every page answers"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.duration, args.rounds = ["0.01"], 3, 1
    return args


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def database_name(scale: str) -> str:
    return "ssp_bench_" + scale.replace(".", "_")


def portal_env(database_url: str, secret_key: str) -> dict[str, str]:
    """The portal as in production (ssp_portal/settings.py: DEBUG=false needs these), behind
    a proxy that ends TLS."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssp_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "SSP_SITE_URL": f"https://{HOST}",
        "SSP_SUPPORT_EMAIL": f"support@{HOST}",
        "SECURE_PROXY_SSL_HEADER": "true",
        "SSP_VAR_DIR": str(VAR),
        "LOG_LEVEL": "WARNING",
    }


def seed_env(database_url: str) -> dict[str, str]:
    """Seeding runs with the development settings: demo data is refused in production, and its
    tasks (documents, e-mails) run in-process instead of waiting in Redis for a worker."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DEBUG")}
    return {**env, "DATABASE_URL": database_url, "SSP_VAR_DIR": str(VAR), "SSP_DEMO_ALLOWED": "true"}


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    # Every command here is this script's own: no argument comes from outside it.
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return done.stdout or ""


def fresh_database(scale: str) -> str:
    """Drops and creates the scale's database: the address of the new one."""
    import psycopg2

    name = database_name(scale)
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return f"{SERVER}/{name}"


def seeded_database(scale: str) -> str | None:
    """The address of the scale's database when an earlier run seeded it, else None."""
    import psycopg2

    try:
        connection = psycopg2.connect(f"{SERVER}/{database_name(scale)}")
    except psycopg2.OperationalError:
        return None
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('procurement_competition') IS NOT NULL")
        (exists,) = cursor.fetchone()
        if exists:
            cursor.execute("SELECT count(*) FROM procurement_competition")
            exists = cursor.fetchone()[0] > 0
    connection.close()
    return f"{SERVER}/{database_name(scale)}" if exists else None


def analyze(database_url: str) -> None:
    """Fresh statistics for the planner: bulk-inserted tables have none until autovacuum runs."""
    import psycopg2

    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()


def seed(env: dict[str, str], scale: str) -> str:
    """Migrates and fills the database: what it was filled with."""
    manage(env, "migrate", "--noinput", "-v", "0")
    commands = manage(env, "help", "--commands", capture=True).split()
    if "seed_bench" in commands:
        manage(env, "seed_bench", "--scale", scale)
        return f"`seed_bench --scale {scale}`"
    say(f"seed_bench does not exist yet: falling back to seed_demo for scale {scale}.")
    manage(env, "seed_demo", "--quiet")
    return f"`seed_demo` (seed_bench does not exist yet: the demo's data stands for scale {scale})"


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn(app: str, env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    command += ["--no-control-socket"]
    with log.open("a") as output:
        process = subprocess.Popen(  # noqa: S603
            [*command, "--error-logfile", "-"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return process, port


def get(port: int, path: str, cookie: str = "", timeout: float = 30) -> tuple[int, str]:
    headers = {**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})}
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def wait_until_up(process: subprocess.Popen, port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} stopped: see {VAR}/*.log")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn on port {port} did not answer {path} within 60 s")


@contextmanager
def servers(env: dict[str, str], minimal_env: dict[str, str], workers: int):
    """The portal and the minimal page, side by side: their ports."""
    portal, portal_port = gunicorn("ssp_portal.wsgi", env, workers, VAR / "portal.log")
    minimal, minimal_port = gunicorn("bench.minimal.wsgi", minimal_env, workers, VAR / "minimal.log")
    try:
        wait_until_up(portal, portal_port, "/healthz")
        wait_until_up(minimal, minimal_port, "/")
        yield portal_port, minimal_port
    finally:
        for process in (portal, minimal):
            process.terminate()
        for process in (portal, minimal):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def prepare_pages(env: dict[str, str]) -> dict:
    """The key pages with their sessions and query counts (bench/pages.py, in the portal's settings)."""
    command = [PYTHON, "-m", "bench.pages"]
    done = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"bench/pages.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def check_pages(port: int, pages: list[dict]) -> None:
    """Every page answers itself through gunicorn, before anything is measured."""
    for page in pages:
        status, body = get(port, page["path"], page["cookie"])
        missing = [marker for marker in page["markers"] if marker not in body]
        if status != 200 or missing:
            raise RuntimeError(f"{page['name']} ({page['path']}) answered {status}, missing {missing}")
    say(f"{len(pages)} pages answer 200 with their own content.")


def wrk(port: int, path: str, cookie: str, args: argparse.Namespace, duration: int) -> results.Run:
    headers = {**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})}
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "wrk.lua")]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    done = subprocess.run(command, check=True, text=True, capture_output=True)  # noqa: S603
    # gunicorn's sync workers still answer the requests wrk left unanswered when it stopped: one
    # more request comes back after them, so that the next run starts on an idle server.
    get(port, path, cookie, timeout=600)
    return results.parse_wrk(done.stdout)


def measure_rounds(ports: tuple[int, int], pages: list[dict], args: argparse.Namespace):
    """Rounds alternating between the minimal page and the portal's pages, after a warm-up of
    each: the runs of each page and of the minimal page."""
    portal_port, minimal_port = ports
    wrk(minimal_port, "/", "", args, 1)
    for page in pages:
        wrk(portal_port, page["path"], page["cookie"], args, 1)
    minimal: list[results.Run] = []
    runs: dict[str, list[results.Run]] = {page["name"]: [] for page in pages}
    for number in range(1, args.rounds + 1):
        minimal.append(wrk(minimal_port, "/", "", args, args.duration))
        say(f"round {number}: minimal page {minimal[-1].rps:.1f} req/s")
        for page in pages:
            run = wrk(portal_port, page["path"], page["cookie"], args, args.duration)
            runs[page["name"]].append(run)
            say(f"round {number}: {page['name']} {run.rps:.1f} req/s, p99 {run.p99_ms:.0f} ms")
    return runs, minimal


def bench_scale(scale: str, args: argparse.Namespace, secret_key: str) -> results.Scale:
    database_url = seeded_database(scale) if args.keep_data else None
    if database_url:
        say(f"scale {scale}: the database an earlier run seeded, migrated")
        manage(seed_env(database_url), "migrate", "--noinput", "-v", "0")
        data = f"`seed_bench --scale {scale}` (seeded by an earlier run)"
    else:
        say(f"scale {scale}: a fresh database, migrated and seeded")
        database_url = fresh_database(scale)
        data = seed(seed_env(database_url), scale)
    analyze(database_url)
    env = portal_env(database_url, secret_key)
    flush_cache()
    prepared = prepare_pages(env)
    pages = prepared["pages"]
    for note in prepared["notes"]:
        say(note)
    minimal_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.minimal.settings"}
    with servers(env, minimal_env, args.workers) as ports:
        check_pages(ports[0], pages)
        runs, minimal = measure_rounds(ports, pages, args)
    rows = results.rows(pages, runs, minimal)
    return results.Scale(scale, data, results.median_run(minimal), rows, prepared["notes"])


def collect_static(env: dict[str, str]) -> None:
    """The manifest of static files that production settings serve pages with, collected again
    (minutes: every file is compressed) only when a static file is newer than it."""
    import xstatic.pkg.bootstrap

    manifest = VAR / "static" / "staticfiles.json"
    sources = [ROOT / "static", Path(xstatic.pkg.bootstrap.BASE_DIR)]
    newest = max(path.stat().st_mtime for source in sources for path in source.rglob("*") if path.is_file())
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    say("collecting static files (compressed, as in production)")
    manage({**env, "DATABASE_URL": f"{SERVER}/postgres"}, "collectstatic", "--noinput", "-v", "0")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        cpu = names[0] if names else cpu
    found = subprocess.run([shutil.which("wrk") or "wrk", "--version"], capture_output=True, text=True)  # noqa: S603
    wrk_version = found.stdout.split(" [")[0]
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    version = connection.server_version
    connection.close()
    postgres = f"{version // 10000}.{version % 10000}"
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "versions": f"Python {platform.python_version()}, PostgreSQL {postgres}, {wrk_version}",
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Stopped (Ctrl-C, or kill from a script that started it in the background), it stops the
    # servers it started on the way out.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        say("wrk is missing: ./scripts/system-packages.sh bench installs it (Debian: apt-get install wrk).")
        return 1
    VAR.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(50)
    about = machine()
    collect_static(portal_env("", secret_key))
    measured = [bench_scale(scale, args, secret_key) for scale in args.scale]
    for result in measured:
        print("\n".join(results.scale_table(result)))
    if args.smoke:
        failed = [row.name for result in measured for row in result.rows if row.failures]
        say(f"smoke run: failed answers under load: {failed}" if failed else "smoke run: all answered.")
        return 1 if failed else 0
    options = {key: getattr(args, key) for key in ("connections", "threads", "duration", "rounds", "note")}
    args.output.write_text(results.document(about, options, measured))
    say(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
