"""Finance staff who are members of an organization neither verify nor suspend it, and are told why."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from organizations.factories import OrganizationFactory, OrganizationMembershipFactory
from organizations.models import Organization
from organizations.permissions import acts_for_own_organization
from organizations.services import organizations as organization_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(finance_staff):
    organization = OrganizationFactory()  # pending
    OrganizationMembershipFactory(organization=organization, user=finance_staff)
    return organization


def test_the_rule_is_membership(own, finance_staff, other_staff):
    assert acts_for_own_organization(finance_staff, own)
    assert not acts_for_own_organization(other_staff, own)


def test_finance_staff_cannot_verify_or_suspend_their_own_organization(own, finance_staff):
    with pytest.raises(ValidationError, match="so you cannot verify or suspend it"):
        organization_services.organization_verify(organization=own, by=finance_staff)
    with pytest.raises(ValidationError, match="so you cannot verify or suspend it"):
        organization_services.organization_suspend(organization=own, by=finance_staff, reason="x")
    own.refresh_from_db()
    assert own.state == Organization.State.PENDING


def test_the_page_says_why_and_offers_no_action(own, finance_staff, client_for):
    client = client_for(finance_staff)
    reason = escape(f"You are a member of {own.name}, so you cannot verify or suspend it.")
    page = client.get(own.get_absolute_url()).content.decode()
    assert reason in page
    assert 'data-testid="review-actions"' not in page
    for name in ("organizations:organization-verify", "organizations:organization-suspend"):
        response = client.post(reverse(name, args=[own.pk]), {"reason": "x"}, follow=True)
        assert reason in response.content.decode()
    own.refresh_from_db()
    assert own.state == Organization.State.PENDING


def test_other_staff_still_verify_it(own, other_staff, client_for):
    page = client_for(other_staff).get(own.get_absolute_url()).content.decode()
    assert 'data-testid="review-actions"' in page
    organization_services.organization_verify(organization=own, by=other_staff)
    own.refresh_from_db()
    assert own.state == Organization.State.VERIFIED
