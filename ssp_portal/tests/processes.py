"""Processes a test starts beside itself (Celery, beat, gunicorn) on the test's database, broker
and storage, and the way to stop them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ssp_portal.tests.storage import process_env


def database_url() -> str:
    """The test database as a URL, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def portal_env(redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a portal process that shares the test's database, broker and files."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssp_portal.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        **process_env(),
        **extra,
    }


def start(command: list[str], *, log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("a") as output:
        return subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def stop(*processes: subprocess.Popen) -> None:
    """Ask each process to stop (SIGTERM), then wait for all of them; kill one that does not."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(condition: Callable[[], object], *, what: str, logs: list[Path], timeout: float = 60):
    """Poll ``condition`` until it is true (and return it), or fail with the processes' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    output = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs if log.exists())
    pytest.fail(f"Not seen in {timeout} s: {what}\n{output}")
