"""An organization's applications follow its memberships: an invited person sees nothing until
they accept, and a removed member nothing from their next request on."""

from __future__ import annotations

import pytest

from organizations.factories import UserFactory
from organizations.services import memberships as membership_services
from procurement.factories import ApplicationAttachmentFactory, ApplicationFactory, CompetitionFactory
from procurement.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(organization):
    competition = CompetitionFactory(published=True)
    draft = ApplicationFactory(competition=competition, organization=organization, complete=True)
    sealed = ApplicationFactory(
        competition=CompetitionFactory(published=True), organization=organization, submit=True
    )
    return draft, sealed


def opens(client, application) -> list[int]:
    attachment = application.attachments.first() or ApplicationAttachmentFactory(application=application)
    return [
        client.get(application.get_absolute_url()).status_code,
        client.get(attachment.get_absolute_url()).status_code,
    ]


def test_an_invited_colleague_sees_nothing_until_accepting_and_nothing_once_removed(
    organization, nco_member, applications, client_for
):
    draft, sealed = applications
    colleague = UserFactory(email="aida@example.org")
    invitation = membership_services.organization_invite(
        organization=organization, by=nco_member, email=colleague.email
    ).invitation
    client = client_for(colleague)
    assert opens(client, draft) == [404, 404]
    assert opens(client, sealed) == [404, 404]
    assert not Application.objects.visible_to(colleague).exists()

    membership = membership_services.organization_invitation_accept(invitation=invitation, user=colleague)
    assert opens(client, draft) == [200, 200]
    assert opens(client, sealed) == [200, 200]

    membership_services.organization_member_remove(membership=membership, by=nco_member)
    assert opens(client, draft) == [404, 404]
    assert opens(client, sealed) == [404, 404]
    assert not Application.objects.visible_to(colleague).exists()
    assert not Application.objects.of_member(colleague).exists()
    # The member who stays still sees both.
    assert set(Application.objects.visible_to(nco_member)) == {draft, sealed}


def test_a_member_of_a_competing_organization_who_is_invited_sees_nothing_sealed(
    organization, nco_member, other_member, applications, client_for
):
    """The finding: a competitor's address entered on the page opened the sealed application."""
    draft, sealed = applications
    membership_services.organization_invite(
        organization=organization, by=nco_member, email=other_member.email
    )
    client = client_for(other_member)
    assert opens(client, sealed) == [404, 404]
    assert opens(client, draft) == [404, 404]
