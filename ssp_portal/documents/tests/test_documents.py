from __future__ import annotations

import dataclasses
import hashlib
import urllib.request

import pytest
from django.db import DatabaseError, OperationalError
from django.urls import reverse

from organizations.documents import REGISTRATION_CARD
from organizations.factories import OrganizationMembershipFactory
from ssp_portal.documents import registry
from ssp_portal.documents.models import Document
from ssp_portal.documents.rendering import html_to_pdf
from ssp_portal.documents.services import document_render, document_request
from ssp_portal.documents.tasks import render_document
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_request_renders_the_registration_card_with_cyrillic_and_kyrgyz_letters(
    kyrgyz_organization, on_commit
):
    member = OrganizationMembershipFactory(organization=kyrgyz_organization).user

    with on_commit():
        document = document_request(
            subject=kyrgyz_organization, kind=REGISTRATION_CARD, requested_by=member, language="ky"
        )

    document.refresh_from_db()
    assert document.state == Document.State.READY
    data = document.file.read()
    assert data.startswith(b"%PDF-")
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    assert "Коомдук фонд «Балдарга Тирек» — Үмүт, Өнүгүү, Таң" in text
    assert kyrgyz_organization.inn in text
    assert document.file.name.startswith("documents/")
    assert "Балдарга" not in document.file.name


def test_request_while_one_is_queued_returns_that_one(
    organization, nco_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
        second = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
    assert first.pk == second.pk
    assert Document.objects.count() == 1
    assert first.state == Document.State.QUEUED


def test_rendering_twice_keeps_the_first_file(organization, nco_member, on_commit):
    with on_commit():
        document = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
    document.refresh_from_db()
    first_file, first_hash = document.file.name, document.sha256

    again = document_render(document_id=str(document.pk))

    assert (again.file.name, again.sha256) == (first_file, first_hash)


def test_a_template_error_marks_the_document_failed(organization, nco_member, monkeypatch, on_commit):
    broken = dataclasses.replace(
        registry.get_kind(REGISTRATION_CARD), template="organizations/pdf/missing.html"
    )
    monkeypatch.setitem(registry._kinds, REGISTRATION_CARD, broken)
    with on_commit():
        document = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )

    document.refresh_from_db()
    assert document.state == Document.State.FAILED
    assert "TemplateDoesNotExist" in document.error
    assert not document.file


@pytest.mark.parametrize("error", [OperationalError("the database went away"), OSError("disk busy")])
def test_an_error_that_passes_leaves_the_document_queued_for_the_task_to_retry(
    organization, nco_member, monkeypatch, error
):
    def unavailable(subject):
        raise error

    broken = dataclasses.replace(registry.get_kind(REGISTRATION_CARD), context=unavailable)
    monkeypatch.setitem(registry._kinds, REGISTRATION_CARD, broken)
    document = document_request(
        subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
    )

    with pytest.raises(type(error)):
        document_render(document_id=str(document.pk))

    document.refresh_from_db()
    assert (document.state, document.error) == (Document.State.QUEUED, "")
    assert set(render_document.autoretry_for) >= {DatabaseError, OSError}


def test_documents_never_fetch_from_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a document tried to reach the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    pdf = html_to_pdf(
        '<p>Text</p><img src="http://example.org/tracker.png"><link rel="stylesheet" href="https://x/y.css">'
    )
    assert pdf.startswith(b"%PDF-")


@pytest.fixture
def ready_card(organization, nco_member, on_commit):
    with on_commit():
        document = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
    document.refresh_from_db()
    assert document.state == Document.State.READY
    return document


def test_member_downloads_the_card(ready_card, nco_member, client_for):
    document = ready_card
    response = client_for(nco_member).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_finance_staff_download_the_card(ready_card, finance_staff, client_for):
    document = ready_card
    response = client_for(finance_staff).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["other_member", "consultant"])
def test_others_get_404_for_the_card(organization, ready_card, client_for, persona, request):
    document = ready_card
    outsider = request.getfixturevalue(persona)
    client = client_for(outsider)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 404
    response = client.post(reverse("documents:request", args=[REGISTRATION_CARD, organization.pk]))
    assert response.status_code == 404
    assert Document.objects.count() == 1


def test_anonymous_is_sent_to_log_in(ready_card, client):
    document = ready_card
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_unknown_kind_or_subject_is_404(nco_member, organization, client_for):
    client = client_for(nco_member)
    assert (
        client.post(reverse("documents:request", args=["no-such-kind", organization.pk])).status_code == 404
    )
    assert client.post(reverse("documents:request", args=[REGISTRATION_CARD, 999999])).status_code == 404
    assert (
        client.post(reverse("documents:request", args=[REGISTRATION_CARD, "not-a-number"])).status_code == 404
    )


def test_a_document_that_is_not_ready_cannot_be_downloaded(organization, nco_member, client_for):
    queued = Document.objects.create(kind=REGISTRATION_CARD, subject=organization, language="en")
    client = client_for(nco_member)
    assert client.get(reverse("documents:download", args=[queued.pk])).status_code == 404
    status = client.get(reverse("documents:status", args=[queued.pk]))
    assert status.status_code == 200
    assert b'data-document-state="queued"' in status.content
    assert b"hx-trigger" in status.content  # the panel keeps polling while queued


def test_request_button_prepares_and_returns_to_the_page(organization, nco_member, client_for, on_commit):
    client = client_for(nco_member)
    page = organization.get_absolute_url()
    with on_commit():
        response = client.post(
            reverse("documents:request", args=[REGISTRATION_CARD, organization.pk]), {"next": page}
        )
    assert response.status_code == 302
    assert response["Location"] == page
    assert Document.objects.get().state == Document.State.READY


def test_request_does_not_redirect_off_site(organization, nco_member, client_for):
    response = client_for(nco_member).post(
        reverse("documents:request", args=[REGISTRATION_CARD, organization.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == organization.get_absolute_url()


def test_request_needs_post(organization, nco_member, client_for):
    response = client_for(nco_member).get(
        reverse("documents:request", args=[REGISTRATION_CARD, organization.pk])
    )
    assert response.status_code == 405
