"""A generated document's download has its validators (ETag: its SHA-256, Last-Modified: when it
was prepared) and answers an unchanged conditional GET with 304, only to someone who may see it."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from organizations.documents import REGISTRATION_CARD
from procurement.documents import ANNOUNCEMENT
from procurement.factories import CompetitionFactory
from ssp_portal.documents.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a prepared document\n"


def prepared(subject, kind: str) -> Document:
    document = Document(kind=kind, subject=subject, language="en", state=Document.State.READY)
    document.file.save("document.pdf", ContentFile(PDF), save=False)
    document.sha256 = hashlib.sha256(PDF).hexdigest()
    document.size = len(PDF)
    document.finished_at = timezone.now()
    document.save()
    return document


def download(client, document: Document, **headers):
    return client.get(reverse("documents:download", args=[document.pk]), headers=headers)


@pytest.fixture
def card(organization):
    return prepared(organization, REGISTRATION_CARD)


def test_a_download_has_the_documents_digest_and_time(card, nco_member, client_for):
    response = download(client_for(nco_member), card)
    assert response.status_code == 200
    assert response["ETag"] == f'"{card.sha256}"'
    assert response["Last-Modified"] == http_date(card.finished_at.timestamp())
    assert b"".join(response.streaming_content) == PDF


def test_an_unchanged_document_is_a_304_for_someone_who_may_see_it(card, nco_member, client_for):
    client = client_for(nco_member)
    response = download(client, card, **{"if-none-match": f'"{card.sha256}"'})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{card.sha256}"'
    modified = http_date(card.finished_at.timestamp())
    assert download(client, card, **{"if-modified-since": modified}).status_code == 304
    assert download(client, card, **{"if-none-match": '"another"'}).status_code == 200


@pytest.mark.parametrize("persona", ["other_member", "consultant"])
def test_a_conditional_get_changes_no_refusal(card, persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert download(client, card, **{"if-none-match": f'"{card.sha256}"'}).status_code == 404
    modified = http_date(card.finished_at.timestamp())
    assert download(client, card, **{"if-modified-since": modified}).status_code == 404


def test_a_visitor_is_sent_to_log_in_whatever_they_hold(card, client):
    response = download(client, card, **{"if-none-match": f'"{card.sha256}"'})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_public_announcement_is_a_304_for_anyone_and_a_drafts_for_no_one(municipality, client):
    published = prepared(CompetitionFactory(municipality=municipality, published=True), ANNOUNCEMENT)
    etag = download(client, published)["ETag"]
    assert etag == f'"{published.sha256}"'
    assert download(client, published, **{"if-none-match": etag}).status_code == 304
    draft = prepared(CompetitionFactory(municipality=municipality), ANNOUNCEMENT)
    refused = download(client, draft, **{"if-none-match": etag})
    assert refused.status_code in (302, 404)
