from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ssp_portal.database_roles import RoleError, app_role_grant


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant a separate login role what the portal needs to run (run as the owner "
        "of the tables, after migrate). The audit log stays append-only for it: SELECT and INSERT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="The app's role, created beforehand (CREATE ROLE ... LOGIN).")

    def handle(self, *args, **options) -> None:
        try:
            statements = app_role_grant(role=options["role"])
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            for statement in statements:
                self.stdout.write(f"  {statement};")
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['role']} may now run the portal; the audit log is append-only for it. "
                "Run this again after each migrate."
            )
        )
