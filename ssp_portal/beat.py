"""Celery beat exactly once, however many nodes start it (``manage.py beat``).

Every node may run ``manage.py beat``; only the one that holds a PostgreSQL advisory lock runs
Celery beat, the others wait as standbys and try again every few seconds. The lock belongs to a
database session of its own: when the node stops, or its connection to the database is lost, the
lock goes with it and a standby takes over. The leader asks its session every few seconds whether
it still holds the lock, and stops its beat as soon as it does not (so two beats overlap at most
for that long, and each periodic task is safe to run twice anyway).

Beat's schedule file only remembers when each entry last ran: it is the node's own (``--schedule``,
under var/ by default), never shared. A standby that takes over starts a fresh one, and the
interval entries come due one interval after it starts.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# pg_advisory_lock(int, int): the portal's namespace and beat's lock in it (per database).
LOCK_NAMESPACE = 0x53535000
LOCK_BEAT = 1


class BeatLock:
    """The beat lock, held by a database session of its own (not the one the ORM uses)."""

    def __init__(self, alias: str = "default") -> None:
        self.connection = connections.create_connection(alias)

    def acquire(self) -> bool:
        """Take the lock if no other session holds it; never waits."""
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, LOCK_BEAT])
                return bool(cursor.fetchone()[0])
        except DatabaseError as exc:
            logger.warning("Beat cannot ask the database for its lock: %s", exc)
            self.close()
            return False

    def held(self) -> bool:
        """Whether this session still holds the lock (False when the database cannot be asked)."""
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND classid = %s AND objid = %s",
                    [LOCK_NAMESPACE, LOCK_BEAT],
                )
                return cursor.fetchone()[0] == 1
        except DatabaseError as exc:
            logger.error("Beat lost its database session, and with it the lock: %s", exc)
            return False

    def close(self) -> None:
        """End the session, which releases the lock."""
        with contextlib.suppress(DatabaseError):
            self.connection.close()


def beat_command(*, app: str, schedule: str, loglevel: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", app, "beat", "--schedule", schedule, "--loglevel", loglevel]


def run_while_held(lock: BeatLock, command: list[str], *, every: float, stop: threading.Event) -> int | None:
    """Run beat (``command``) while ``lock`` is held. Its exit code when it stops by itself, or
    None when it was stopped: the lock was lost, or ``stop`` was set."""
    child = subprocess.Popen(command)  # noqa: S603 (the portal's own beat_command)
    logger.info("This node holds the beat lock: beat runs here (process %s).", child.pid)
    try:
        while not stop.wait(every):
            if child.poll() is not None:
                return child.returncode
            if not lock.held():
                logger.error("This node no longer holds the beat lock: its beat stops.")
                return None
        return None
    finally:
        _stop_child(child)


def _stop_child(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def lead_or_wait(command: list[str], *, every: float, stop: threading.Event, alias: str = "default") -> int:
    """Wait as a standby until this node holds the beat lock, run beat while it does, and wait
    again when it is lost; until ``stop`` is set (0) or beat exits by itself (its exit code)."""
    while not stop.is_set():
        lock = BeatLock(alias)
        try:
            if not lock.acquire():
                logger.info("Another node holds the beat lock: this one waits as a standby.")
                while not lock.acquire():
                    if stop.wait(every):
                        return 0
            code = run_while_held(lock, command, every=every, stop=stop)
        finally:
            lock.close()
        if code is not None:
            return code
    return 0
