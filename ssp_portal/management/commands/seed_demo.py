from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from insights import demo as insights_demo
from monitoring import demo as monitoring_demo
from organizations import demo as organizations_demo
from procurement import demo as procurement_demo


class Command(BaseCommand):
    help = "Load the Karakol demo (idempotent: running it again changes nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="ru",
            help="The language of the demo's new accounts: their pages and e-mails (default: ru).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.SSP_DEMO_ALLOWED:
            raise CommandError(
                "Demo data is not allowed here (SSP_DEMO_ALLOWED is false, as in production): "
                "it creates accounts with a published password."
            )
        # The demo's own notifications (verifications, commission appointments) are not delivered.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            world = organizations_demo.seed(language=options["language"])
            procurement = procurement_demo.seed(world)
            monitoring_demo.seed(world, procurement)
            insights_demo.seed(world)
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("The Karakol demo is loaded."))
        self.stdout.write(f"Demo logins (password: {organizations_demo.DEMO_PASSWORD}):")
        for login in organizations_demo.LOGINS:
            self.stdout.write(f"  {login.email:<28} {login.description}")
        # Operator output, in English like the rest of this command's.
        self.stdout.write(
            "Staff, commission, consultant and administrator logins set up a second factor after the "
            "password, or postpone it for the session on this development server."
        )
