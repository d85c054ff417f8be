"""Forms that send people back with a ``next`` field go only to a page of this site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.documents import REGISTRATION_CARD

pytestmark = pytest.mark.django_db

NOT_A_PAGE = [
    "abc",
    "-1",
    "home",
    "1e309",
    "https://evil.example/",
    "//evil.example/x",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", NOT_A_PAGE)
def test_following_goes_back_only_to_a_page_of_this_site(nco_member, municipality, client_for, target):
    response = client_for(nco_member).post(
        reverse("procurement:follow"), {"municipality": municipality.slug, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:subscription-list")


def test_following_goes_back_to_the_page_it_was_sent_from(nco_member, municipality, client_for):
    response = client_for(nco_member).post(
        reverse("procurement:follow"),
        {"municipality": municipality.slug, "next": "/competitions/?state=open"},
    )
    assert response["Location"] == "/competitions/?state=open"


@pytest.mark.parametrize("target", NOT_A_PAGE)
def test_a_document_request_goes_back_only_to_a_page_of_this_site(
    organization, nco_member, client_for, django_capture_on_commit_callbacks, target
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(nco_member).post(
            reverse("documents:request", args=[REGISTRATION_CARD, organization.pk]), {"next": target}
        )
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
