from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ssp_portal import seeding
from ssp_portal.seeding import checks
from ssp_portal.seeding.plan import Counts


class Command(BaseCommand):
    help = (
        "Load the Karakol demo (seed_demo, unless it is loaded) and, around its people, valid data "
        "the size of the country times --scale (1: 50 municipalities, 2,000 NCOs, 1,000 competitions, "
        "20,000 applications, 30,000 score sheets, 5,000 projects, 30,000 reports), then check it. "
        "Refuses to run twice on one database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="A share of the country (default 1).")
        parser.add_argument("--seed", type=int, default=2026, help="The random seed (default 2026).")

    def handle(self, *args, **options) -> None:
        if not settings.SSP_DEMO_ALLOWED:
            raise CommandError(
                "Benchmark data is not allowed here (SSP_DEMO_ALLOWED is false, as in production)."
            )
        if seeding.already_seeded():
            raise CommandError(
                "Benchmark data is already loaded in this database; nothing was added. "
                "Seed an empty database (migrate a new one, or flush this one) to load it again."
            )
        try:
            counts = Counts.at(options["scale"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        if not seeding.demo_loaded():
            call_command("seed_demo", "--quiet")
        demo_seconds = time.perf_counter() - started
        before = checks.totals()
        bench = seeding.load(counts, seed=options["seed"])
        seeded_seconds = time.perf_counter() - started - demo_seconds
        outcomes = checks.run(before, counts)
        self._report(bench, demo_seconds, seeded_seconds, time.perf_counter() - started, outcomes)
        failed = [outcome.name for outcome in outcomes if not outcome.ok]
        if failed:
            raise CommandError(f"Seeded data failed its checks: {', '.join(failed)}.")

    def _report(self, bench, demo_seconds, seeded_seconds, total_seconds, outcomes) -> None:
        write = self.stdout.write
        write(f"Scale {bench.counts.as_dict()}")
        write(
            f"seed_demo {demo_seconds:.1f} s (0 when it was loaded); seeding {seeded_seconds:.1f} s; "
            f"in all {total_seconds:.1f} s"
        )
        write("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in bench.timings.items()))
        for outcome in outcomes:
            mark = self.style.SUCCESS("ok  ") if outcome.ok else self.style.ERROR("FAIL")
            write(f"{mark} {outcome.name}: {outcome.detail}")
