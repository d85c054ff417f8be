"""The auditor's bundle: what the zip holds, its manifest, who may have it, its task."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile

import pytest
from django.urls import reverse

from opendata.bundle import MANIFEST
from opendata.documents import BUNDLE
from opendata.permissions import can_get_bundle
from organizations.factories import MunicipalityMembershipFactory
from organizations.models import MunicipalityMembership
from procurement.factories import ApplicationAttachmentFactory, AwardFactory, CompetitionFactory
from procurement.models import Competition
from ssp_portal.documents import registry
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request

pytestmark = pytest.mark.django_db


def _bundle(competition: Competition, user, on_commit) -> Document:
    with on_commit():
        document = document_request(subject=competition, kind=BUNDLE, requested_by=user, language="en")
    document.refresh_from_db()
    return document


def _entries(document: Document) -> dict[str, bytes]:
    with document.file.open("rb") as stream, zipfile.ZipFile(stream) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assert_manifest_matches(entries: dict[str, bytes]) -> dict:
    manifest = json.loads(entries[MANIFEST])
    listed = {row["path"]: row for row in manifest["files"]}
    assert set(listed) == set(entries) - {MANIFEST}
    for path, row in listed.items():
        assert row["size"] == len(entries[path]), path
        assert row["sha256"] == hashlib.sha256(entries[path]).hexdigest(), path
    return manifest


@pytest.fixture
def awarded(municipality):
    award = AwardFactory(application__competition__municipality=municipality)
    ApplicationAttachmentFactory(application=award.application)
    return award


@pytest.fixture
def auditor(municipality):
    return MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.AUDITOR
    ).user


def test_the_task_makes_a_ready_zip_whose_manifest_matches_its_files(awarded, finance_staff, on_commit):
    document = _bundle(awarded.competition, finance_staff, on_commit)

    assert document.state == Document.State.READY, document.error
    assert document.file.name.endswith(".zip")
    data = document.file.open("rb").read()
    assert (document.size, document.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    entries = _entries(document)
    manifest = _assert_manifest_matches(entries)
    assert manifest["competition"] == awarded.competition.reference
    receipt = awarded.application.receipt_number
    attachment = awarded.application.attachments.get()
    stored = entries[f"applications/{receipt}/attachments/{attachment.pk}.pdf"]
    assert hashlib.sha256(stored).hexdigest() == attachment.sha256
    assert entries[f"applications/{receipt}/receipt.pdf"].startswith(b"%PDF-")
    application = json.loads(entries[f"applications/{receipt}/application.json"])
    assert application["receipt_number"] == receipt
    assert awarded.application.organization.inn in entries["competition/awards.csv"].decode()


def test_a_build_error_marks_the_bundle_failed(awarded, finance_staff, monkeypatch, on_commit):
    def broken(competition, output, document):
        raise ValueError("no such template")

    monkeypatch.setitem(registry._kinds, BUNDLE, dataclasses.replace(registry.get_kind(BUNDLE), build=broken))

    document = _bundle(awarded.competition, finance_staff, on_commit)

    assert document.state == Document.State.FAILED
    assert "ValueError" in document.error
    assert not document.file


def test_staff_and_auditors_of_the_municipality_may_have_it(awarded, finance_staff, auditor):
    assert can_get_bundle(finance_staff, awarded.competition)
    assert can_get_bundle(auditor, awarded.competition)


@pytest.mark.parametrize("persona", ["other_staff", "nco_member", "consultant", "no_role"])
def test_others_may_not(awarded, persona, request):
    assert not can_get_bundle(request.getfixturevalue(persona), awarded.competition)


def test_anonymous_may_not(awarded):
    from django.contrib.auth.models import AnonymousUser

    assert not can_get_bundle(AnonymousUser(), awarded.competition)


@pytest.mark.parametrize("state", ["published", "closed", "evaluation", "cancelled"])
def test_not_before_the_competition_is_completed(municipality, finance_staff, auditor, state):
    competition = CompetitionFactory(municipality=municipality, **{state: True})
    assert not can_get_bundle(finance_staff, competition)
    assert not can_get_bundle(auditor, competition)


def test_the_panel_shows_on_the_completed_competition_to_staff_only(
    awarded, finance_staff, nco_member, client_for
):
    page = awarded.competition.get_absolute_url()
    assert b'data-testid="auditor-bundle"' in client_for(finance_staff).get(page).content
    assert b'data-testid="auditor-bundle"' not in client_for(nco_member).get(page).content
    assert b'data-testid="auditor-bundle"' not in client_for(None).get(page).content


def test_the_zip_is_downloaded_as_a_zip(awarded, auditor, client_for, on_commit):
    client = client_for(auditor)
    with on_commit():
        response = client.post(reverse("documents:request", args=[BUNDLE, awarded.competition.pk]))
    assert response.status_code == 302
    document = Document.objects.get(kind=BUNDLE)
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert f"audit-{awarded.competition.reference}.zip" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")


@pytest.mark.parametrize("persona", ["other_staff", "nco_member", "consultant"])
def test_others_are_refused_by_the_documents_urls_and_nothing_is_made(
    awarded, finance_staff, persona, request, client_for, on_commit
):
    document = _bundle(awarded.competition, finance_staff, on_commit)
    client = client_for(request.getfixturevalue(persona))
    with on_commit():
        asked = client.post(reverse("documents:request", args=[BUNDLE, awarded.competition.pk]))
    assert asked.status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 404
    assert Document.objects.filter(kind=BUNDLE).count() == 1


def test_anonymous_is_sent_to_log_in(awarded, finance_staff, client_for, on_commit):
    document = _bundle(awarded.competition, finance_staff, on_commit)
    response = client_for(None).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_before_the_deadline_no_bundle_is_made_even_for_staff(municipality, finance_staff, client_for):
    sealed = CompetitionFactory(municipality=municipality, published=True)
    response = client_for(finance_staff).post(reverse("documents:request", args=[BUNDLE, sealed.pk]))
    assert response.status_code == 404
    assert not Document.objects.filter(kind=BUNDLE).exists()
    assert (
        b'data-testid="auditor-bundle"'
        not in client_for(finance_staff).get(sealed.get_absolute_url()).content
    )
