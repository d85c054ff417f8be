"""``manage.py media_import ARCHIVE MANIFEST``: a backup's files into the (new, empty) storage,
each checked against the manifest, through the storage API (scripts/restore.sh, with
SSP_STORAGE=s3)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from ssp_portal.media_archive import ArchiveError, media_import


class Command(BaseCommand):
    help = "Store every file of a backup's tar archive into an empty storage, checked against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("manifest", type=Path)

    def handle(self, *args, archive, manifest, **options):
        try:
            count = media_import(default_storage, archive=archive, manifest=manifest)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{count} file(s) restored into the storage and checked.")
