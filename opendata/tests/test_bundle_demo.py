"""The bundle of the demo's completed competition holds its record, each file as the manifest says."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from django.core.management import call_command

from opendata.bundle import MANIFEST
from opendata.documents import BUNDLE
from organizations.models import User
from procurement.models import Competition
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(settings):
    """seed_demo in this test's database, with its files in the test's media folder."""
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")


def test_the_demo_bundle_holds_the_competition_record(demo_data, on_commit):
    competition = (
        Competition.objects.filter(state=Competition.State.COMPLETED, awards__isnull=False)
        .order_by("reference")
        .first()
    )
    staff = User.objects.get(email="finance@karakol.example")
    with on_commit():
        document = document_request(subject=competition, kind=BUNDLE, requested_by=staff, language="ru")
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error

    with document.file.open("rb") as stream, zipfile.ZipFile(stream) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries[MANIFEST])
    assert {row["path"] for row in manifest["files"]} == set(entries) - {MANIFEST}
    for row in manifest["files"]:
        assert row["sha256"] == hashlib.sha256(entries[row["path"]]).hexdigest()
        assert row["size"] == len(entries[row["path"]])
    for path in (
        "competition/announcement.pdf",
        "competition/amendments.csv",
        "competition/declarations.csv",
        "competition/score_sheets.csv",
        "competition/protocol.pdf",
        "competition/awards.csv",
        "projects/projects.csv",
        "projects/tranches.csv",
        "audit/timeline.csv",
    ):
        assert path in entries, path
    for application in competition.applications.exclude(state__in=["draft", "withdrawn"]):
        folder = f"applications/{application.receipt_number}"
        assert f"{folder}/receipt.pdf" in entries
        for attachment in application.attachments.all():
            assert entries[f"{folder}/attachments/{attachment.pk}.pdf"] == attachment.file.open("rb").read()
    assert any("/attachments/" in path for path in entries)
    assert any(path.endswith("/summary.pdf") for path in entries)
    timeline = entries["audit/timeline.csv"].decode("utf-8-sig")
    assert "competition.completed" in timeline and "award.granted" in timeline
