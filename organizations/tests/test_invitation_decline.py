"""A person joins an organization only by accepting an invitation, and may decline it instead.

Typing an existing user's address makes them no member: they receive an invitation and answer it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organizations.factories import UserFactory
from organizations.models import OrganizationInvitation
from organizations.services import memberships as membership_services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def events(target) -> list[str]:
    return list(AuditEvent.objects.for_target(target).order_by("id").values_list("verb", flat=True))


def members(organization) -> set[str]:
    return set(organization.memberships.values_list("user__email", flat=True))


@pytest.fixture
def aida(db):
    return UserFactory(email="aida@example.org", full_name="Aida Sydykova")


@pytest.fixture
def invitation(organization, nco_member, aida):
    return membership_services.organization_invite(
        organization=organization, by=nco_member, email=aida.email
    ).invitation


def test_typing_a_registered_persons_address_sends_them_an_invitation_and_nothing_more(
    organization, nco_member, aida, invitation
):
    assert members(organization) == {nco_member.email}
    assert not aida.organization_memberships.exists()
    [email] = OutgoingEmail.objects.all()
    assert email.to == aida.email
    assert invitation.get_absolute_url() in email.text


def test_the_invited_person_declines_and_stays_outside(organization, nco_member, aida, invitation):
    membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    invitation.refresh_from_db()
    assert (invitation.state, invitation.closed_by) == ("declined", aida)
    assert invitation.closed_at is not None
    assert members(organization) == {nco_member.email}
    assert events(organization) == ["organization.invitation_sent", "organization.invitation_declined"]
    event = AuditEvent.objects.for_target(organization).get(verb="organization.invitation_declined")
    assert event.actor == aida and event.details["member"] == aida.email


def test_a_declined_invitation_cannot_be_accepted_afterwards(organization, aida, invitation):
    membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    with pytest.raises(ValidationError, match="declined"):
        membership_services.organization_invitation_accept(invitation=invitation, user=aida)
    with pytest.raises(ValidationError, match="declined"):
        membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    assert not aida.organization_memberships.exists()


def test_after_declining_the_address_may_be_invited_again(organization, nco_member, aida, invitation):
    membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    again = membership_services.organization_invite(
        organization=organization, by=nco_member, email=aida.email
    )
    assert not again.resent
    assert again.invitation.pk != invitation.pk


def test_only_the_invited_person_declines(organization, nco_member, other_member, invitation):
    for person in (nco_member, other_member, UserFactory(email="aida@example.org.kg")):
        with pytest.raises(PermissionDenied):
            membership_services.organization_invitation_decline(invitation=invitation, user=person)
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_an_accepted_invitation_is_not_declined(organization, aida, invitation):
    membership_services.organization_invitation_accept(invitation=invitation, user=aida)
    with pytest.raises(ValidationError, match="already been accepted"):
        membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    assert aida.email in members(organization)


# Pages --------------------------------------------------------------------------------------


def test_the_invitation_page_offers_to_join_or_decline(aida, invitation, client_for):
    page = client_for(aida).get(invitation.get_absolute_url()).content.decode()
    assert f'action="{reverse("organizations:invitation-accept", args=[invitation.key])}"' in page
    assert f'action="{reverse("organizations:invitation-decline", args=[invitation.key])}"' in page


def test_declining_on_the_page_says_so_and_the_members_no_longer_see_it_waiting(
    organization, nco_member, aida, invitation, client_for
):
    client = client_for(aida)
    response = client.post(reverse("organizations:invitation-decline", args=[invitation.key]), follow=True)
    assert response.status_code == 200
    assert "You declined the invitation to join" in response.content.decode()
    assert not aida.organization_memberships.exists()
    assert client.get(invitation.get_absolute_url()).status_code == 200
    assert "You declined this invitation." in client.get(invitation.get_absolute_url()).content.decode()

    page = client_for(nco_member).get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="invitation"' not in page
    assert "Invitation declined" in page  # the history


def test_someone_else_cannot_decline(organization, other_member, invitation, client_for):
    url = reverse("organizations:invitation-decline", args=[invitation.key])
    response = client_for(other_member).post(url)
    assert response.status_code == 403
    assert OrganizationInvitation.objects.get(pk=invitation.pk).state == "open"


def test_an_anonymous_decline_leads_to_the_log_in(invitation, client):
    response = client.post(reverse("organizations:invitation-decline", args=[invitation.key]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert OrganizationInvitation.objects.get(pk=invitation.pk).state == "open"


def test_no_membership_is_added_in_the_admin(admin_user, client_for, organization, aida):
    """Not even the administrator makes a person a member: they join by accepting an invitation."""
    client = client_for(admin_user)
    add = reverse("admin:organizations_organizationmembership_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {"user": aida.pk, "organization": organization.pk}).status_code == 403
    change = client.get(reverse("admin:organizations_organization_change", args=[organization.pk]))
    assert 'name="memberships-__prefix__-user"' not in change.content.decode()
    assert not aida.organization_memberships.exists()


def test_a_declined_invitation_is_not_cancelled_afterwards(organization, nco_member, aida, invitation):
    membership_services.organization_invitation_decline(invitation=invitation, user=aida)
    with pytest.raises(ValidationError, match="declined"):
        membership_services.organization_invitation_cancel(invitation=invitation, by=nco_member)
    assert OrganizationInvitation.objects.get(pk=invitation.pk).state == "declined"
