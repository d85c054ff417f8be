"""The restore drill: scripts/backup.sh, then scripts/restore.sh into a new database and media
folder, which checks the audit chain and every receipt of the copy (docs/operations.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from organizations.factories import OrganizationFactory, OrganizationMembershipFactory
from procurement.factories import CompetitionFactory, RequiredDocumentFactory, fill_application
from procurement.services import applications as services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.audit.services import chain_head_publish
from ssp_portal.documents.tasks import render_document

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def database_url(name: str) -> str:
    given = connection.settings_dict
    credentials = quote(given["USER"] or "postgres")
    if given["PASSWORD"]:
        credentials += ":" + quote(given["PASSWORD"])
    return f"postgres://{credentials}@{given['HOST'] or '127.0.0.1'}:{given['PORT'] or 5432}/{name}"


@pytest.fixture
def new_database(postgresql):
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(*command: str | Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHON": sys.executable, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_and_verifies(
    new_database, municipality, tmp_path, monkeypatch
):
    # The receipt PDFs stay queued: rendering them takes seconds and is not what is drilled here.
    monkeypatch.setattr(render_document, "delay", lambda document_id: None)
    competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=competition, name="Charter")
    RequiredDocumentFactory(competition=competition, name="Registration certificate")
    applications = []
    for _ in range(2):
        organization = OrganizationFactory(verified=True)
        member = OrganizationMembershipFactory(organization=organization).user
        draft = services.application_start(competition=competition, organization=organization, by=member)
        fill_application(draft)
        applications.append(services.application_submit(application=draft, by=member))
    chain_head_publish(date=timezone.localdate())
    events = AuditEvent.objects.count()

    backup = run(
        "bash",
        SCRIPTS / "backup.sh",
        tmp_path / "backups",
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    assert backup.returncode == 0, backup.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.sha256",
        "media.tar",
    ]

    media = tmp_path / "restored-media"
    restored = {"DATABASE_URL": database_url(new_database), "MEDIA_ROOT": str(media)}
    restore = run("bash", SCRIPTS / "restore.sh", folder, **restored)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert f"The audit log is intact: {events} events" in restore.stdout
    assert "1 published head(s) match" in restore.stdout
    assert "All 2 receipt(s) match the stored applications." in restore.stdout

    # One byte of one restored attachment changed: the restored copy no longer matches its receipt.
    attachment = applications[1].attachments.order_by("pk").first()
    path = media / attachment.file.name
    content = bytearray(path.read_bytes())
    content[-2] ^= 0x01
    path.write_bytes(bytes(content))

    check = run(sys.executable, "manage.py", "receipts_verify", **restored)
    assert check.returncode != 0
    assert f"Receipt {applications[1].receipt_number} (application {applications[1].pk})" in check.stderr
    assert f'attachment {attachment.pk} "{attachment.original_name}"' in check.stderr
    assert "its bytes changed" in check.stderr
    assert "1 of 2 receipt(s) do not match" in check.stderr
