"""The organization page writes every date in one form, the long one ("1 December 2026",
"1 декабря 2026"), in every language: never beside "01.12.2026" or "1 Dec 2026"."""

from __future__ import annotations

import pytest
from django.utils import timezone

from organizations.factories import OrganizationDocumentFactory
from organizations.models import Organization
from organizations.services import memberships as membership_services
from ssp_portal.tests.dates import date_forms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_the_organization_page_writes_its_dates_in_one_form(
    organization, nco_member, finance_staff, client_for, language
):
    Organization.objects.filter(pk=organization.pk).update(
        state_changed_at=timezone.now(), state_changed_by=finance_staff
    )
    OrganizationDocumentFactory(organization=organization, uploaded_by=nco_member)
    membership_services.organization_invite(
        organization=organization, by=nco_member, email="colleague@example.org"
    )
    nco_member.language = language
    nco_member.save(update_fields=["language"])
    client = client_for(nco_member)
    client.cookies["django_language"] = language
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    forms = date_forms(response.content.decode())
    assert set(forms) == {"long"}, forms
