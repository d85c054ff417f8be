from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from procurement.receipts import receipts_check, receipts_count


class Command(BaseCommand):
    # It only reads; it runs against restored copies too, where the deploy checks are beside the point.
    requires_system_checks: list[str] = []
    help = (
        "Recompute the digest of every submitted application from the database and the stored "
        "files, against the one on its receipt. Exits non-zero if any differs, naming it."
    )

    def handle(self, *args, **options) -> None:
        total = receipts_count()
        mismatches = 0
        for mismatch in receipts_check():
            mismatches += 1
            self.stderr.write(str(mismatch))
        if mismatches:
            raise CommandError(f"{mismatches} of {total} receipt(s) do not match the stored applications.")
        self.stdout.write(self.style.SUCCESS(f"All {total} receipt(s) match the stored applications."))
