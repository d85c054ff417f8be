"""A request longer than any upload its form takes is refused (413) before its body is read."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils.datastructures import MultiValueDict

from monitoring.forms import MAX_VISIT_PHOTOS, SiteVisitForm
from procurement.factories import ApplicationFactory
from procurement.models import ApplicationAttachment
from ssp_portal.files import FORM_MARGIN_BYTES
from ssp_portal.middleware import RequestSizeMiddleware
from ssp_portal.tests import samples

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadBody(io.BytesIO):
    """A request body that records whether anything read it."""

    touched = False

    def read(self, *args):
        UnreadBody.touched = True
        return super().read(*args)

    def readline(self, *args):
        UnreadBody.touched = True
        return super().readline(*args)


@pytest.fixture
def draft(organization, nco_member):
    return ApplicationFactory(organization=organization)


def post_declaring(client, url: str, length: int):
    """A small multipart body that says it is ``length`` bytes long."""
    UnreadBody.touched = False
    body = (
        b"--BoUnDaRy\r\n"
        b'Content-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + samples.pdf_bytes() + b"\r\n--BoUnDaRy--\r\n"
    )
    return client.generic(
        "POST",
        url,
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadBody(body)},
    )


def test_a_400_mb_upload_is_answered_413_before_its_body_is_read(draft, nco_member, client_for):
    url = reverse("procurement:attachment-upload", args=[draft.pk])
    response = post_declaring(client_for(nco_member), url, 400 * MB)

    assert response.status_code == 413
    page = response.content.decode()
    assert "The file is too large: at most 10 MB" in page
    assert "Nothing was saved" in page
    assert 'class="navbar' in page  # the portal's page, with its ways back
    assert not UnreadBody.touched
    assert not ApplicationAttachment.objects.exists()


def test_the_413_page_is_in_the_persons_language(draft, nco_member, client_for):
    nco_member.language = "ky"
    nco_member.save(update_fields=["language"])
    url = reverse("procurement:attachment-upload", args=[draft.pk])
    response = post_declaring(client_for(nco_member), url, 400 * MB)
    assert response.status_code == 413
    assert response["Content-Language"] == "ky"
    assert '<html lang="ky">' in response.content.decode()


def test_a_visitor_gets_the_413_page_with_the_limit_in_force(client, settings):
    settings.SSP_UPLOAD_MAX_BYTES = 2 * MB
    response = post_declaring(client, "/accounts/login/", 2 * MB + FORM_MARGIN_BYTES + 1)
    assert response.status_code == 413
    assert "at most 2 MB" in response.content.decode()
    assert not UnreadBody.touched


def test_the_largest_upload_with_its_form_is_let_through(draft, nco_member, client_for, settings):
    """The limit is the upload's and the form's margin: a request just within it is read."""
    settings.SSP_UPLOAD_MAX_BYTES = 10 * MB
    middleware = RequestSizeMiddleware(lambda request: None)
    view = resolve(reverse("procurement:attachment-upload", args=[draft.pk])).func
    within = RequestFactory().post("/", CONTENT_LENGTH=str(10 * MB + FORM_MARGIN_BYTES))
    beyond = RequestFactory().post("/", CONTENT_LENGTH=str(10 * MB + FORM_MARGIN_BYTES + 1))
    beyond.user = nco_member
    assert middleware.process_view(within, view, (), {}) is None
    assert middleware.process_view(beyond, view, (), {}).status_code == 413


def test_a_site_visit_takes_its_photos_at_once(consultant, settings):
    settings.SSP_UPLOAD_MAX_BYTES = 10 * MB
    middleware = RequestSizeMiddleware(lambda request: None)
    view = resolve(reverse("monitoring:visit-create", args=[1])).func
    within = RequestFactory().post("/", CONTENT_LENGTH=str(MAX_VISIT_PHOTOS * 10 * MB))
    beyond = RequestFactory().post(
        "/", CONTENT_LENGTH=str(MAX_VISIT_PHOTOS * 10 * MB + FORM_MARGIN_BYTES + 1)
    )
    beyond.user = consultant
    assert middleware.process_view(within, view, (), {}) is None
    response = middleware.process_view(beyond, view, (), {})
    assert response.status_code == 413
    assert f"at most {MAX_VISIT_PHOTOS} files of 10 MB each" in response.content.decode()


def test_more_photos_than_a_visit_takes_are_refused_beside_the_field():
    photo = samples.image_bytes("JPEG")
    files = [SimpleUploadedFile(f"p{n}.jpg", photo) for n in range(MAX_VISIT_PHOTOS + 1)]
    form = SiteVisitForm(
        {"visited_on": "2026-03-02", "visitors": "A.", "observed": "B.", "findings": "C."},
        MultiValueDict({"photos": files}),
    )
    assert not form.is_valid()
    assert form.errors["photos"] == [f"Attach at most {MAX_VISIT_PHOTOS} photos to one visit."]


@pytest.mark.parametrize("length", ["abc", "-5", ""])
def test_a_length_that_is_not_a_number_is_no_500(draft, nco_member, client_for, length):
    url = reverse("procurement:attachment-upload", args=[draft.pk])
    response = client_for(nco_member).generic("POST", url, CONTENT_LENGTH=length)
    assert response.status_code < 500
    assert not ApplicationAttachment.objects.exists()
