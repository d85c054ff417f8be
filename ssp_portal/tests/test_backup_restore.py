"""The restore drill: scripts/backup.sh, then scripts/restore.sh into a new database and media
folder, which checks the audit chain and every receipt of the copy (docs/operations.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from organizations.factories import OrganizationFactory, OrganizationMembershipFactory
from procurement.factories import CompetitionFactory, RequiredDocumentFactory, fill_application
from procurement.services import applications as services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.audit.services import chain_head_publish
from ssp_portal.documents.tasks import render_document
from ssp_portal.tests.storage import S3_BACKEND, process_env, replace_stored, stored_bytes

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


def _default_storage(restored: dict[str, str]) -> dict:
    """``STORAGES["default"]`` of the restored copy."""
    if restored["SSP_STORAGE"] == "s3":
        from ssp_portal import settings as settings_module

        with mock.patch.dict(os.environ, restored):
            return {"BACKEND": S3_BACKEND, "OPTIONS": settings_module._s3_storage_options()}
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": restored["MEDIA_ROOT"]},
    }


def run(*command: str | Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHON": sys.executable, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(params=["filesystem", "s3"])
def storage_kind(request):
    """The drill with the files under MEDIA_ROOT, and in an S3 bucket (restored to a new prefix)."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param


def _restored_storage(kind: str, tmp_path: Path) -> dict[str, str]:
    if kind == "s3":
        return {**process_env(), "SSP_S3_PREFIX": f"{process_env()['SSP_S3_PREFIX']}-restored"}
    return {"SSP_STORAGE": "filesystem", "MEDIA_ROOT": str(tmp_path / "restored-media")}


def _change_a_byte(file) -> None:
    content = bytearray(stored_bytes(file))
    content[-2] ^= 0x01
    replace_stored(file, bytes(content))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_and_verifies(
    new_database, municipality, tmp_path, monkeypatch, storage_kind
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
        **process_env(),
    )
    assert backup.returncode == 0, backup.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.sha256",
        "media.tar",
    ]

    restored = {"DATABASE_URL": database_url(new_database), **_restored_storage(storage_kind, tmp_path)}
    restore = run("bash", SCRIPTS / "restore.sh", folder, **restored)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert f"The audit log is intact: {events} events" in restore.stdout
    assert "1 published head(s) match" in restore.stdout
    assert "All 2 receipt(s) match the stored applications." in restore.stdout

    # One byte of one restored attachment changed: the restored copy no longer matches its receipt.
    attachment = applications[1].attachments.order_by("pk").first()
    with override_settings(STORAGES={**settings.STORAGES, "default": _default_storage(restored)}):
        _change_a_byte(attachment.file)

    check = run(sys.executable, "manage.py", "receipts_verify", **restored)
    assert check.returncode != 0
    assert f"Receipt {applications[1].receipt_number} (application {applications[1].pk})" in check.stderr
    assert f'attachment {attachment.pk} "{attachment.original_name}"' in check.stderr
    assert "its bytes changed" in check.stderr
    assert "1 of 2 receipt(s) do not match" in check.stderr
