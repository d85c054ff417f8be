from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ssp_portal.audit.verification import HeadsFileError, chain_verify, heads_from_file, heads_in_portal


class Command(BaseCommand):
    # It only reads; it runs against restored copies too, where the deploy checks are beside the point.
    requires_system_checks: list[str] = []
    help = (
        "Check the audit log: recompute every event's hash in chain order and match the heads "
        "published once a day. Exits non-zero at the first broken link, naming it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--heads",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="Also match a copy of /audit/chain.json kept elsewhere (may be given more than once).",
        )

    def handle(self, *args, **options) -> None:
        heads = heads_in_portal()
        try:
            for path in options["heads"]:
                heads += heads_from_file(path)
        except HeadsFileError as exc:
            raise CommandError(str(exc)) from exc
        outcome = chain_verify(heads=heads)
        if outcome.broken is not None:
            raise CommandError(f"The audit log is broken: {outcome.broken}")
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit log is intact: {outcome.count} events, head {outcome.head_hash}"
                + (f" (event {outcome.head_id})" if outcome.head_id is not None else "")
                + f"; {outcome.heads_checked} published head(s) match."
            )
        )
