from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organizations import demo as organizations_demo


class Command(BaseCommand):
    help = "Load the Karakol demo (idempotent: running it again changes nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options) -> None:
        if not settings.SSP_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is not allowed here (SSP_DEMO_ALLOWED is false, as in production): "
                "it creates accounts with a published password."
            )
        organizations_demo.seed()
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("The Karakol demo is loaded."))
        self.stdout.write(f"Demo logins (password: {organizations_demo.DEMO_PASSWORD}):")
        for login in organizations_demo.LOGINS:
            self.stdout.write(f"  {login.email:<28} {login.description}")
