"""Membership by invitation: a member invites an address; the person with it accepts, or not.

Services first (the rules), then the pages as each person meets them, then the e-mails.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organizations.factories import (
    PASSWORD,
    OrganizationInvitationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from organizations.models import OrganizationInvitation, OrganizationMembership, User
from organizations.services import memberships as membership_services
from organizations.views import member_remove_token
from ssp_portal.audit.models import AuditEvent
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def events(target) -> list[str]:
    return list(AuditEvent.objects.for_target(target).order_by("id").values_list("verb", flat=True))


def link_in(message) -> str:
    body = getattr(message, "body", None) or message.text
    return re.search(r"https?://\S+/invitations/[\w-]+/", body).group(0)


def queued() -> list[OutgoingEmail]:
    """The e-mails written, in order (each is delivered by Celery once its transaction commits)."""
    return list(OutgoingEmail.objects.order_by("pk"))


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def members(organization) -> set[str]:
    return set(organization.memberships.values_list("user__email", flat=True))


# Services --------------------------------------------------------------------------------


def test_inviting_makes_no_one_a_member(organization, nco_member):
    colleague = UserFactory(email="aida@example.org")
    invited = membership_services.organization_invite(
        organization=organization, by=nco_member, email=" Aida@Example.org "
    )
    assert not invited.resent
    invitation = invited.invitation
    assert (invitation.email, invitation.state, invitation.invited_by) == (
        "aida@example.org",
        "open",
        nco_member,
    )
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=14)
    assert members(organization) == {nco_member.email}
    assert not OrganizationMembership.objects.filter(user=colleague).exists()
    assert events(organization) == ["organization.invitation_sent"]


def test_inviting_ones_own_address_or_a_member_is_refused_and_sends_nothing(organization, nco_member):
    colleague = OrganizationMembershipFactory(organization=organization).user
    with pytest.raises(ValidationError, match="your own address"):
        membership_services.organization_invite(
            organization=organization, by=nco_member, email=nco_member.email.upper()
        )
    with pytest.raises(ValidationError, match="is already a member"):
        membership_services.organization_invite(
            organization=organization, by=nco_member, email=colleague.email
        )
    assert not OrganizationInvitation.objects.exists()
    assert events(organization) == []
    assert queued() == []


def test_an_address_confirmed_as_ones_second_address_counts_as_ones_own(organization, nco_member):
    EmailAddress.objects.create(user=nco_member, email="second@example.org", verified=True)
    with pytest.raises(ValidationError, match="your own address"):
        membership_services.organization_invite(
            organization=organization, by=nco_member, email="second@example.org"
        )


def test_inviting_an_address_twice_sends_the_same_link_again_for_another_period(organization, nco_member):
    start = timezone.now()
    first = membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org", now=start
    ).invitation
    again = membership_services.organization_invite(
        organization=organization,
        by=nco_member,
        email="AIDA@example.org",
        now=start + datetime.timedelta(days=3),
    )
    assert again.resent
    assert again.invitation.pk == first.pk
    assert again.invitation.key == first.key
    assert again.invitation.expires_at == start + datetime.timedelta(days=17)
    assert OrganizationInvitation.objects.count() == 1
    assert [email.to for email in queued()] == ["aida@example.org", "aida@example.org"]
    assert link_in(queued()[0]) == link_in(queued()[1])
    assert events(organization) == ["organization.invitation_sent", "organization.invitation_resent"]


def test_the_database_keeps_one_open_invitation_per_organization_and_address(organization):
    OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    # Once it is answered, the address can be invited again.
    OrganizationInvitation.objects.update(state="cancelled", closed_at=timezone.now())
    OrganizationInvitationFactory(organization=organization, email="aida@example.org")


def test_only_members_invite_and_cancel(organization, other_member, finance_staff):
    invitation = OrganizationInvitationFactory(organization=organization)
    for person in (other_member, finance_staff):
        with pytest.raises(PermissionDenied):
            membership_services.organization_invite(
                organization=organization, by=person, email="x@example.org"
            )
        with pytest.raises(PermissionDenied):
            membership_services.organization_invitation_cancel(invitation=invitation, by=person)
    assert OrganizationInvitation.objects.get().state == "open"


def test_accepting_makes_the_invited_person_a_member_once(organization, nco_member):
    colleague = UserFactory(email="aida@example.org")
    invitation = membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org"
    ).invitation
    membership = membership_services.organization_invitation_accept(invitation=invitation, user=colleague)
    assert membership.user == colleague
    invitation.refresh_from_db()
    assert (invitation.state, invitation.closed_by) == ("accepted", colleague)
    with pytest.raises(ValidationError, match="already been accepted"):
        membership_services.organization_invitation_accept(invitation=invitation, user=colleague)
    assert organization.memberships.filter(user=colleague).count() == 1
    assert events(organization) == ["organization.invitation_sent", "organization.invitation_accepted"]


def test_only_the_invited_address_accepts(organization, nco_member, other_member):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    for person in (other_member, nco_member, UserFactory(email="aida@example.org.kg")):
        with pytest.raises(PermissionDenied):
            membership_services.organization_invitation_accept(invitation=invitation, user=person)
    invitation.refresh_from_db()
    assert invitation.state == "open"
    assert members(organization) == {nco_member.email}


def test_an_invitation_expires_after_14_days(organization, nco_member):
    start = timezone.now()
    invitation = membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org", now=start
    ).invitation
    colleague = UserFactory(email="aida@example.org")
    with pytest.raises(ValidationError, match="expired"):
        membership_services.organization_invitation_accept(
            invitation=invitation, user=colleague, now=start + datetime.timedelta(days=14, seconds=1)
        )
    assert members(organization) == {nco_member.email}
    # A day before, it works.
    membership_services.organization_invitation_accept(
        invitation=invitation, user=colleague, now=start + datetime.timedelta(days=13)
    )
    assert colleague.email in members(organization)


def test_a_cancelled_invitation_cannot_be_accepted_or_cancelled_again(organization, nco_member):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    membership_services.organization_invitation_cancel(invitation=invitation, by=nco_member)
    with pytest.raises(ValidationError, match="cancelled"):
        membership_services.organization_invitation_cancel(invitation=invitation, by=nco_member)
    with pytest.raises(ValidationError, match="cancelled"):
        membership_services.organization_invitation_accept(
            invitation=invitation, user=UserFactory(email="aida@example.org")
        )
    assert events(organization) == ["organization.invitation_cancelled"]
    assert members(organization) == {nco_member.email}


def test_a_member_removes_another_who_is_told(organization, nco_member):
    colleague = OrganizationMembershipFactory(organization=organization, user__full_name="Aida Sydykova")
    membership_services.organization_member_remove(membership=colleague, by=nco_member)
    assert members(organization) == {nco_member.email}
    assert events(organization) == ["organization.member_removed"]
    (email,) = queued()
    assert email.to == colleague.user.email
    assert f"{nco_member.get_full_name()} ({nco_member.email}) has removed you" in email.text


def test_a_member_leaves_but_the_last_one_stays(organization, nco_member):
    colleague = OrganizationMembershipFactory(organization=organization)
    membership_services.organization_member_remove(
        membership=organization.memberships.get(user=nco_member), by=nco_member
    )
    assert events(organization) == ["organization.member_left"]
    with pytest.raises(ValidationError, match="keeps at least one member"):
        membership_services.organization_member_remove(membership=colleague, by=colleague.user)
    assert members(organization) == {colleague.user.email}


def test_only_members_remove_members(organization, nco_member, other_member, finance_staff):
    membership = organization.memberships.get(user=nco_member)
    OrganizationMembershipFactory(organization=organization)
    for person in (other_member, finance_staff):
        with pytest.raises(PermissionDenied):
            membership_services.organization_member_remove(membership=membership, by=person)
    assert organization.memberships.count() == 2


def test_a_removed_member_cannot_remove_anyone(organization, nco_member):
    first = OrganizationMembershipFactory(organization=organization)
    second = OrganizationMembershipFactory(organization=organization)
    membership_services.organization_member_remove(membership=first, by=nco_member)
    with pytest.raises(PermissionDenied):
        membership_services.organization_member_remove(membership=second, by=first.user)
    assert organization.memberships.count() == 2


# Pages -----------------------------------------------------------------------------------


def invite(client, organization, email: str):
    return client.post(reverse("organizations:invitation-create", args=[organization.pk]), {"email": email})


def test_the_page_lists_waiting_invitations_and_a_member_cancels_one(organization, nco_member, client_for):
    client = client_for(nco_member)
    response = invite(client, organization, "aida@example.org")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "An invitation is sent to aida@example.org. They become a member once they accept it" in page
    assert "aida@example.org" in page and "Cancel the invitation" in page
    assert organization.memberships.count() == 1

    invitation = OrganizationInvitation.objects.get()
    url = reverse("organizations:invitation-cancel", args=[organization.pk, invitation.pk])
    assert client.get(url).status_code == 405
    page = client.post(url, follow=True).content.decode()
    assert "The invitation to aida@example.org is cancelled" in page
    assert "No invitations are waiting." in page
    # The link no longer works.
    page = (
        client_for(UserFactory(email="aida@example.org")).get(invitation.get_absolute_url()).content.decode()
    )
    assert "This invitation was cancelled." in page
    # Cancelling again says so and changes nothing.
    page = client_for(nco_member).post(url, follow=True).content.decode()
    assert "This invitation was cancelled." in page
    assert events(organization) == ["organization.invitation_sent", "organization.invitation_cancelled"]


@pytest.mark.parametrize("email", ["", "not an address", "a@b", "Ж" * 300 + "@example.org", "<script>@x.org"])
def test_a_bad_address_is_answered_beside_the_field(organization, nco_member, client_for, email):
    response = invite(client_for(nco_member), organization, email)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="invalid-feedback"' in page
    assert "<script>@" not in page
    assert not OrganizationInvitation.objects.exists()


def test_inviting_ones_own_address_or_a_member_says_so_beside_the_field(organization, nco_member, client_for):
    colleague = OrganizationMembershipFactory(organization=organization).user
    client = client_for(nco_member)
    response = invite(client, organization, nco_member.email)
    assert response.status_code == 400
    assert "This is your own address: you are already a member." in response.content.decode()
    response = invite(client, organization, colleague.email.upper())
    assert response.status_code == 400
    assert f"{colleague.email} is already a member of" in response.content.decode()
    assert not OrganizationInvitation.objects.exists()
    assert queued() == []


def test_inviting_twice_says_it_was_sent_again(organization, nco_member, client_for):
    client = client_for(nco_member)
    invite(client, organization, "aida@example.org")
    page = client.get(invite(client, organization, "aida@example.org")["Location"]).content.decode()
    assert "aida@example.org had already been invited. The invitation is sent again" in page
    assert page.count('data-testid="invitation"') == 1


def test_an_expired_invitation_is_shown_so_and_sending_it_again_renews_it(
    organization, nco_member, client_for
):
    invitation = OrganizationInvitationFactory(
        organization=organization,
        email="aida@example.org",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    client = client_for(nco_member)
    assert "expired on" in client.get(organization.get_absolute_url()).content.decode()
    assert "expired on" in client.get(invitation.get_absolute_url()).content.decode()
    invite(client, organization, "aida@example.org")
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert "valid until" in client.get(organization.get_absolute_url()).content.decode()


def test_finance_staff_see_the_members_but_not_the_invitations(
    organization, nco_member, finance_staff, client_for
):
    OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    page = client_for(finance_staff).get(organization.get_absolute_url()).content.decode()
    assert nco_member.email in page
    assert "aida@example.org" not in page
    assert "Remove…" not in page and 'data-testid="invite-form"' not in page


def test_the_invited_person_with_an_account_logs_in_and_accepts(organization, nco_member, client, client_for):
    colleague = UserFactory(email="aida@example.org")
    invite(client_for(nco_member), organization, "aida@example.org")
    link = path_of(link_in(queued()[-1]))
    client.logout()
    page = client.get(link).content.decode()
    assert "Log in with aida@example.org to accept the invitation." in page
    assert 'name="password1"' not in page

    client.force_login(colleague)
    page = client.get(link).content.decode()
    assert "Join " in page
    response = client.post(
        reverse("organizations:invitation-accept", args=[link.split("/")[-2]]), follow=True
    )
    assert "Welcome: you are now a member of" in response.content.decode()
    assert response.redirect_chain[-1][0] == organization.get_absolute_url()
    assert colleague.email in members(organization)
    # A second press of the button (another tab) just leads to the organization.
    again = client.post(reverse("organizations:invitation-accept", args=[link.split("/")[-2]]))
    assert again["Location"] == organization.get_absolute_url()
    assert organization.memberships.filter(user=colleague).count() == 1


def test_someone_else_with_the_link_is_told_to_log_in_as_the_invited_address(
    organization, nco_member, other_member, client_for
):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    client = client_for(other_member)
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert f"This invitation is for aida@example.org, and you are logged in as {other_member.email}" in page
    response = client.post(reverse("organizations:invitation-accept", args=[invitation.key]))
    assert response.status_code == 403
    assert members(organization) == {nco_member.email}


def test_a_person_without_an_account_chooses_a_password_then_accepts(organization, nco_member, client):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert "There is no account on the portal for aida@example.org yet." in page
    url = reverse("organizations:invitation-account", args=[invitation.key])

    response = client.post(url, {"full_name": "Aida", "password1": "short", "password2": "short"})
    assert response.status_code == 400
    assert "This password is too short: choose one of at least 8 characters." in response.content.decode()
    response = client.post(url, {"full_name": "Aida", "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 400
    assert "The two passwords are not the same." in response.content.decode()
    assert not User.objects.filter(email="aida@example.org").exists()

    response = client.post(url, {"full_name": "Aida Sydykova", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == invitation.get_absolute_url()
    user = User.objects.get(email="aida@example.org")
    assert user.full_name == "Aida Sydykova" and user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    # Logged in, but not yet a member: the next step is to accept.
    assert not organization.memberships.filter(user=user).exists()
    page = client.get(invitation.get_absolute_url()).content.decode()
    assert "Your account is ready. Accept the invitation below" in page
    client.post(reverse("organizations:invitation-accept", args=[invitation.key]))
    assert organization.memberships.filter(user=user).exists()


def test_an_account_is_made_from_the_link_only_once_and_only_while_it_works(organization, client):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    url = reverse("organizations:invitation-account", args=[invitation.key])
    data = {"full_name": "Aida Sydykova", "password1": PASSWORD, "password2": PASSWORD}
    client.post(url, data)
    client.logout()
    response = client.post(
        url, {**data, "password1": "another passphrase 9", "password2": "another passphrase 9"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="aida@example.org").check_password(PASSWORD)

    expired = OrganizationInvitationFactory(
        organization=organization, email="bolot@example.org", expires_at=timezone.now()
    )
    response = client.post(reverse("organizations:invitation-account", args=[expired.key]), data, follow=True)
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="bolot@example.org").exists()


def test_a_logged_in_person_makes_no_account_from_a_link(organization, other_member, client_for):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    data = {"full_name": "Aida Sydykova", "password1": PASSWORD, "password2": PASSWORD}
    response = client_for(other_member).post(
        reverse("organizations:invitation-account", args=[invitation.key]), data
    )
    assert response["Location"] == invitation.get_absolute_url()
    assert not User.objects.filter(email="aida@example.org").exists()


def test_an_anonymous_accept_leads_to_the_log_in_and_back_to_the_invitation(organization, client):
    invitation = OrganizationInvitationFactory(organization=organization)
    response = client.post(reverse("organizations:invitation-accept", args=[invitation.key]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert invitation.get_absolute_url() in response["Location"]


def test_removing_a_member_asks_first_and_happens_once(organization, nco_member, client_for):
    colleague = OrganizationMembershipFactory(organization=organization, user__full_name="Aida Sydykova")
    client = client_for(nco_member)
    page = client.get(organization.get_absolute_url()).content.decode()
    url = reverse("organizations:member-remove", args=[organization.pk, colleague.pk])
    assert url in page
    page = html.unescape(client.get(url).content.decode())
    assert f"Remove Aida Sydykova from {organization.name}?" in page
    assert "They receive an e-mail" in page
    # A post without the confirmation shows the page again.
    assert client.post(url).status_code == 200
    assert organization.memberships.count() == 2

    response = client.post(url, {"confirm": member_remove_token(colleague)}, follow=True)
    assert "Aida Sydykova is no longer a member of" in response.content.decode()
    assert members(organization) == {nco_member.email}
    assert client.post(url, {"confirm": member_remove_token(colleague)}).status_code == 404
    assert events(organization) == ["organization.member_removed"]


def test_the_last_member_is_told_they_cannot_leave(organization, nco_member, client_for):
    membership = organization.memberships.get(user=nco_member)
    client = client_for(nco_member)
    url = reverse("organizations:member-remove", args=[organization.pk, membership.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="confirmation-problems"' in page
    assert "An organization keeps at least one member" in page
    assert 'data-testid="confirmation-form"' not in page
    response = client.post(url, {"confirm": member_remove_token(membership)}, follow=True)
    assert "An organization keeps at least one member" in response.content.decode()
    assert members(organization) == {nco_member.email}


def test_a_member_leaves_and_no_longer_sees_the_organization(organization, nco_member, client_for):
    OrganizationMembershipFactory(organization=organization)
    membership = organization.memberships.get(user=nco_member)
    client = client_for(nco_member)
    url = reverse("organizations:member-remove", args=[organization.pk, membership.pk])
    assert f"Leave {organization.name}?" in html.unescape(client.get(url).content.decode())
    response = client.post(url, {"confirm": member_remove_token(membership)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"You have left {organization.name}." in html.unescape(response.content.decode())
    assert client.get(organization.get_absolute_url()).status_code == 404


# E-mails ---------------------------------------------------------------------------------


def test_the_invitation_e_mail_says_who_invites_and_links_to_the_invitation(
    organization, nco_member, client, settings, django_capture_on_commit_callbacks
):
    settings.SSP_SITE_URL = "https://ssp.example.kg"
    with django_capture_on_commit_callbacks(execute=True):
        membership_services.organization_invite(
            organization=organization, by=nco_member, email="aida@example.org"
        )
    (message,) = mail.outbox
    assert message.to == ["aida@example.org"]
    assert message.subject.endswith(f"An invitation to join {organization.name}")
    assert f"{nco_member.get_full_name()} ({nco_member.email}) invites you to join {organization.name}" in (
        message.body
    )
    assert "Open this link to choose a password" in message.body
    link = link_in(message)
    assert link.startswith("https://ssp.example.kg/invitations/")
    html = message.alternatives[0][0]
    assert link in html
    invitation = OrganizationInvitation.objects.get()
    assert path_of(link) == invitation.get_absolute_url()
    assert client.get(path_of(link)).status_code == 200


def test_the_e_mail_to_an_existing_account_asks_to_log_in(organization, nco_member):
    UserFactory(email="aida@example.org", language="en")
    membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org"
    )
    (email,) = queued()
    assert email.recipient.email == "aida@example.org"
    assert "open this link and log in with this e-mail address" in email.text
    assert "choose a password" not in email.text


def test_the_e_mail_to_an_existing_account_is_in_its_language(organization, nco_member):
    UserFactory(email="aida@example.org", language="ru")
    nco_member.language = "en"
    membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org"
    )
    (email,) = queued()
    assert email.language == "ru"


def test_the_e_mail_to_a_new_address_is_in_the_inviting_members_language(organization, nco_member):
    nco_member.language = "ky"
    membership_services.organization_invite(
        organization=organization, by=nco_member, email="aida@example.org"
    )
    (email,) = queued()
    assert (email.language, email.recipient) == ("ky", None)


def test_an_invitation_is_delivered_only_once_its_transaction_commits(
    organization, nco_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership_services.organization_invite(
            organization=organization, by=nco_member, email="aida@example.org"
        )
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_no_account_is_made_for_an_address_another_account_holds(organization, client):
    holder = UserFactory(email="holder@example.org")
    EmailAddress.objects.create(user=holder, email="aida@example.org", verified=False)
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    data = {"full_name": "Aida Sydykova", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(
        reverse("organizations:invitation-account", args=[invitation.key]), data, follow=True
    )
    assert "An account with this address exists already" in response.content.decode()
    assert not User.objects.filter(email="aida@example.org").exists()
