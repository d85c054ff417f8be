"""``manage.py beat``: Celery beat on whichever node holds the beat lock (ssp_portal/beat.py)."""

from __future__ import annotations

import signal
import subprocess
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from ssp_portal.beat import beat_command, lead_or_wait


class Command(BaseCommand):
    help = (
        "Run Celery beat on one node only: every node may run this command; the one holding a "
        "PostgreSQL advisory lock runs beat, the others wait as standbys and take over when it stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            default=str(settings.VAR_DIR / "celerybeat-schedule"),
            help="This node's own beat schedule file (when each entry last ran); never shared.",
        )
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument(
            "--check-seconds",
            type=float,
            default=5.0,
            help="How often a standby tries the lock and the leader checks that it still holds it.",
        )
        parser.add_argument("--app", default="ssp_portal", help="The Celery application (-A).")

    def handle(self, *args, schedule, loglevel, check_seconds, app, **options):
        command = beat_command(app=app, schedule=schedule, loglevel=loglevel)
        if connection.vendor != "postgresql":
            self.stderr.write(
                "The beat lock needs PostgreSQL: beat runs here without it, so run it on one node only."
            )
            raise SystemExit(subprocess.call(command))  # noqa: S603 (beat_command)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        raise SystemExit(lead_or_wait(command, every=check_seconds, stop=stop))
