"""Error pages say what happened in plain words and offer a way back."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from organizations.factories import OrganizationDocumentFactory, OrganizationMembershipFactory
from organizations.models import OrganizationDocument
from procurement.factories import ApplicationAttachmentFactory, ApplicationFactory, CompetitionFactory
from ssp_portal.tests.forms_as_rendered import links_on

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def links(response) -> dict[str, str]:
    """The error page's ways back, by their test id."""
    page = response.content.decode()
    found = {}
    for testid in ("error-back", "error-home", "error-login"):
        marker = f'data-testid="{testid}"'
        if marker in page:
            start = page.rindex("<a ", 0, page.index(marker))
            found[testid] = links_on(page[start : page.index(">", start) + 1], "/")[0].removeprefix(SITE)
    return found


def test_a_post_only_address_opened_as_a_page_explains_itself(nco_member, client_for):
    competition = CompetitionFactory(published=True)
    detail = competition.get_absolute_url()
    url = reverse("procurement:application-start", args=[competition.reference])

    response = client_for(nco_member).get(url, headers={"referer": f"{SITE}{detail}"})

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert 'class="navbar' in page
    assert "This address does not open as a page" in page
    assert links(response) == {"error-back": detail, "error-home": "/"}


def test_a_visitor_on_a_405_page_may_log_in_and_come_back_to_the_page_they_were_on(client):
    response = client.get(reverse("set_language"), headers={"referer": f"{SITE}/competitions/"})
    assert response.status_code == 405
    assert links(response) == {
        "error-back": "/competitions/",
        "error-home": "/",
        "error-login": f"{reverse('account_login')}?next={quote('/competitions/', safe='')}",
    }


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/phish",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "//evil.example/",
    ],
)
def test_a_referer_from_elsewhere_is_never_offered_as_the_way_back(client, referer):
    response = client.get("/no-such-page/", headers={"referer": referer})
    assert response.status_code == 404
    assert "error-back" not in links(response)
    assert "evil" not in response.content.decode()


def test_the_page_itself_is_not_offered_as_the_way_back(client):
    response = client.get("/no-such-page/", headers={"referer": f"{SITE}/no-such-page/"})
    assert "error-back" not in links(response)


def test_a_visitor_on_a_404_page_may_log_in_and_see_it_if_it_is_theirs(client):
    asked = "/competitions/KRK-2026-999/?tab=results"
    response = client.get(asked, headers={"referer": f"{SITE}/competitions/"})
    assert response.status_code == 404
    assert links(response) == {
        "error-back": "/competitions/",
        "error-home": "/",
        "error-login": f"{reverse('account_login')}?next={quote(asked, safe='')}",
    }


def test_a_403_page_offers_the_way_back_but_no_log_in_to_a_logged_in_person(nco_member, client_for):
    response = client_for(nco_member).get(
        reverse("organizations:organization-review-list"), headers={"referer": f"{SITE}/competitions/"}
    )
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()
    assert links(response) == {"error-back": "/competitions/", "error-home": "/"}


def test_an_expired_form_offers_the_way_back_to_the_form(nco_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nco_member)
    register = reverse("organizations:organization-register")
    response = client.post(register, {}, headers={"referer": f"{SITE}{register}"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert links(response) == {"error-back": register, "error-home": "/"}


# Files missing from storage ------------------------------------------------------------------


def _lose(record) -> str:
    name = record.file.name
    record.file.storage.delete(name)
    return name


def test_a_document_whose_file_is_missing_answers_404_and_tells_the_operators(nco_member, client_for, caplog):
    document = OrganizationDocumentFactory(
        organization=nco_member.organization_memberships.get().organization
    )
    name = _lose(document)

    with caplog.at_level(logging.ERROR, logger="ssp_portal.files"):
        response = client_for(nco_member).get(document.get_absolute_url())

    assert response.status_code == 404
    page = response.content.decode()
    assert "The file is missing from storage; the portal" in page
    assert "operators are told" in page
    assert 'class="navbar' in page
    [record] = [r for r in caplog.records if r.name == "ssp_portal.files"]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert f"organizations.OrganizationDocument {document.pk}" in message
    assert name in message


def test_a_record_without_any_file_name_answers_the_same_404(nco_member, client_for, caplog):
    document = OrganizationDocumentFactory(
        organization=nco_member.organization_memberships.get().organization
    )
    OrganizationDocument.objects.filter(pk=document.pk).update(file="")
    response = client_for(nco_member).get(document.get_absolute_url())
    assert response.status_code == 404
    assert "The file is missing from storage" in response.content.decode()


def test_an_application_attachment_whose_file_is_missing_answers_404(nco_member, client_for, caplog):
    organization = nco_member.organization_memberships.get().organization
    application = ApplicationFactory(organization=organization)
    attachment = ApplicationAttachmentFactory(application=application)
    _lose(attachment)
    response = client_for(nco_member).get(
        reverse("procurement:attachment-download", args=[application.pk, attachment.pk])
    )
    assert response.status_code == 404
    assert "The file is missing from storage" in response.content.decode()
    assert f"procurement.ApplicationAttachment {attachment.pk}" in caplog.text


def test_submitting_an_application_whose_attachment_is_lost_answers_404_and_submits_nothing(
    nco_member, client_for, caplog
):
    from procurement.factories import fill_application

    organization = nco_member.organization_memberships.get().organization
    competition = CompetitionFactory(published=True)
    application = fill_application(ApplicationFactory(organization=organization, competition=competition))
    attachment = ApplicationAttachmentFactory(application=application)
    _lose(attachment)
    response = client_for(nco_member).post(reverse("procurement:application-submit", args=[application.pk]))
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == "draft"
    assert f"procurement.ApplicationAttachment {attachment.pk}" in caplog.text


def test_a_generated_document_whose_file_is_missing_answers_404(
    organization, nco_member, client_for, django_capture_on_commit_callbacks, caplog
):
    from organizations.documents import REGISTRATION_CARD
    from ssp_portal.documents.services import document_request

    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
    document.refresh_from_db()
    _lose(document)
    response = client_for(nco_member).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 404
    assert "The file is missing from storage" in response.content.decode()
    assert f"documents.Document {document.pk}" in caplog.text


def test_a_member_of_another_organization_still_gets_the_plain_404(other_member, nco_member, client_for):
    """The missing-file message is shown only to those who may see the file."""
    document = OrganizationDocumentFactory(
        organization=nco_member.organization_memberships.get().organization
    )
    _lose(document)
    OrganizationMembershipFactory(user=other_member)
    response = client_for(other_member).get(document.get_absolute_url())
    assert response.status_code == 404
    assert "The file is missing from storage" not in response.content.decode()


def test_a_request_for_another_host_gets_the_400_page(client):
    response = client.get("/", headers={"host": "evil.example", "referer": "http://evil.example/"})
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()
    assert "error-back" not in links(response)


@pytest.mark.parametrize(
    ("address", "data"),
    [
        ("/following/add/", {"municipality": "kara\x00kol"}),
        ("/admin/organizations/municipalitymembership/add/", {"user": "\x00"}),
    ],
)
def test_a_nul_character_in_a_form_is_a_bad_request_and_changes_nothing(
    admin_user, client_for, address, data
):
    """(One in the address is a 404: test_invalid_addresses.py.)"""
    from procurement.models import Subscription

    response = client_for(admin_user).post(address, data)
    assert response.status_code == 400
    assert "The request could not be understood" in response.content.decode()
    assert not Subscription.objects.exists()
