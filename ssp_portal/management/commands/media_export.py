"""``manage.py media_export ARCHIVE MANIFEST``: the stored files into a tar archive and a
manifest of checksums, through the storage API (scripts/backup.sh, with SSP_STORAGE=s3)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from ssp_portal.media_archive import media_export


class Command(BaseCommand):
    help = "Write every stored file into a tar archive and its SHA-256 into a manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("manifest", type=Path)

    def handle(self, *args, archive, manifest, **options):
        count = media_export(default_storage, archive=archive, manifest=manifest)
        self.stdout.write(f"{count} stored file(s) written to {archive}.")
