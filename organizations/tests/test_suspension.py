"""Suspending an organization, and lifting the suspension.

Finance staff of any municipality verify an organization (it registers once for the whole
country) and may suspend it, with a reason that its members read on its page and by e-mail, with
whom to contact. Someone else lifts the suspension, with a reason: another finance staff member
or the administrator, never the person who suspended it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory
from organizations.models import Organization
from organizations.services import organizations as organization_services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db

REASON = "The charter on file expired in March; upload the renewed one."
LIFTED = "The renewed charter is uploaded and checked."


def events(target) -> list[str]:
    return list(AuditEvent.objects.for_target(target).order_by("id").values_list("verb", flat=True))


def status(organization) -> tuple:
    organization.refresh_from_db()
    return organization.state, organization.state_reason, organization.state_changed_by


class _Notice(HTMLParser):
    VOID = {"br", "img", "input", "hr", "meta", "link", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif ("data-testid", "suspension") in attrs:
            self.depth = 1

    def handle_endtag(self, tag) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data) -> None:
        if self.depth:
            self.parts.append(data)


def notice(page: str) -> str:
    """The text of the page's suspension notice (empty when there is none), spaces collapsed."""
    parser = _Notice()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def suspended(organization, nco_member, finance_staff, django_capture_on_commit_callbacks):
    """``organization`` (verified) suspended by ``finance_staff`` of Karakol."""
    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_suspend(organization=organization, by=finance_staff, reason=REASON)
    organization.refresh_from_db()
    OutgoingEmail.objects.all().delete()
    return organization


# Services -----------------------------------------------------------------------------------


def test_the_person_who_suspended_an_organization_cannot_lift_the_suspension(suspended, finance_staff):
    before = status(suspended)
    with pytest.raises(ValidationError, match="another finance staff member or the administrator"):
        organization_services.organization_suspension_lift(
            organization=suspended, by=finance_staff, reason=LIFTED
        )
    with pytest.raises(ValidationError, match="another finance staff member or the administrator"):
        organization_services.organization_verify(organization=suspended, by=finance_staff)
    assert status(suspended) == before
    assert events(suspended) == ["organization.suspended"]
    assert not OutgoingEmail.objects.exists()


def test_verifying_does_not_undo_a_suspension(suspended, other_staff):
    """Verification is for a pending organization; a suspension is lifted with a reason."""
    with pytest.raises(ValidationError):
        organization_services.organization_verify(organization=suspended, by=other_staff)
    assert status(suspended)[0] == Organization.State.SUSPENDED


def test_another_staff_member_lifts_it_with_a_reason_and_the_members_are_told(
    suspended, nco_member, other_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_suspension_lift(
            organization=suspended, by=other_staff, reason=f"  {LIFTED} "
        )
    assert status(suspended) == (Organization.State.VERIFIED, LIFTED, other_staff)
    assert events(suspended) == ["organization.suspended", "organization.suspension_lifted"]
    event = AuditEvent.objects.for_target(suspended).get(verb="organization.suspension_lifted")
    assert event.actor == other_staff
    assert event.details == {"from": "suspended", "to": "verified", "reason": LIFTED}
    [email] = OutgoingEmail.objects.all()
    assert email.to == nco_member.email
    assert mail.outbox[-1].to == [nco_member.email]
    assert LIFTED in mail.outbox[-1].body


def test_the_administrator_lifts_a_suspension(suspended, admin_user):
    organization_services.organization_suspension_lift(organization=suspended, by=admin_user, reason=LIFTED)
    assert status(suspended)[0] == Organization.State.VERIFIED


def test_a_suspension_is_lifted_only_with_a_reason(suspended, other_staff):
    before = status(suspended)
    with pytest.raises(ValidationError, match="Say why the suspension is lifted"):
        organization_services.organization_suspension_lift(
            organization=suspended, by=other_staff, reason="  "
        )
    assert status(suspended) == before


@pytest.mark.parametrize("persona", ["nco_member", "other_member", "consultant", "no_role"])
def test_no_one_else_lifts_a_suspension(suspended, persona, request):
    before = status(suspended)
    with pytest.raises(PermissionDenied):
        organization_services.organization_suspension_lift(
            organization=suspended, by=request.getfixturevalue(persona), reason=LIFTED
        )
    assert status(suspended) == before


def test_staff_who_are_members_do_not_lift_their_own_organizations_suspension(suspended, other_staff):
    OrganizationMembershipFactory(organization=suspended, user=other_staff)
    with pytest.raises(ValidationError, match="You are a member of"):
        organization_services.organization_suspension_lift(
            organization=suspended, by=other_staff, reason=LIFTED
        )
    assert status(suspended)[0] == Organization.State.SUSPENDED


def test_a_pending_organization_suspended_returns_to_pending(finance_staff, other_staff):
    organization = OrganizationMembershipFactory().organization  # pending
    organization_services.organization_suspend(organization=organization, by=finance_staff, reason=REASON)
    organization_services.organization_suspension_lift(
        organization=organization, by=other_staff, reason=LIFTED
    )
    assert status(organization)[0] == Organization.State.PENDING


def test_new_legal_details_while_suspended_are_verified_again_after_the_suspension(
    suspended, nco_member, other_staff
):
    organization_services.organization_update(
        organization=suspended, by=nco_member, data={"inn": "02109201510456"}
    )
    assert status(suspended)[0] == Organization.State.SUSPENDED
    organization_services.organization_suspension_lift(organization=suspended, by=other_staff, reason=LIFTED)
    assert status(suspended)[0] == Organization.State.PENDING


def test_only_a_suspended_organization_has_its_suspension_lifted(organization, other_staff):
    with pytest.raises(ValidationError, match="is not suspended"):
        organization_services.organization_suspension_lift(
            organization=organization, by=other_staff, reason=LIFTED
        )
    assert events(organization) == []


def test_the_suspension_e_mail_is_in_each_members_language_with_the_reason_and_whom_to_ask(
    organization, nco_member, finance_staff, django_capture_on_commit_callbacks
):
    kyrgyz = OrganizationMembershipFactory(organization=organization, user__language="ky").user
    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_suspend(organization=organization, by=finance_staff, reason=REASON)
    languages = dict(OutgoingEmail.objects.values_list("to", "language"))
    assert languages == {nco_member.email: "en", kyrgyz.email: "ky"}
    sent = {message.to[0]: message for message in mail.outbox}
    for message in sent.values():
        assert REASON in message.body
        assert finance_staff.email in message.body
        assert "Karakol" in message.body
    assert "is suspended" in sent[nco_member.email].subject
    assert "is suspended" not in sent[kyrgyz.email].subject  # written in Kyrgyz


def test_the_database_refuses_a_suspension_without_a_reason(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(
            state=Organization.State.SUSPENDED, state_reason="", suspended_from="verified"
        )


# Pages --------------------------------------------------------------------------------------


def test_the_members_read_the_reason_and_whom_to_contact(suspended, nco_member, finance_staff, client_for):
    page = client_for(nco_member).get(suspended.get_absolute_url()).content.decode()
    text = notice(page)
    assert REASON in text
    assert finance_staff.get_full_name() in text
    assert finance_staff.email in text
    assert "Karakol" in text
    assert reverse("organizations:organization-lift-suspension", args=[suspended.pk]) not in page


def test_the_person_who_suspended_it_is_told_someone_else_lifts_it(suspended, finance_staff, client_for):
    client = client_for(finance_staff)
    url = reverse("organizations:organization-lift-suspension", args=[suspended.pk])
    page = client.get(suspended.get_absolute_url()).content.decode()
    assert f'href="{url}"' not in page
    assert "another finance staff member or the administrator" in page
    refused = client.post(url, {"reason": LIFTED})
    assert refused.status_code == 403
    assert "another finance staff member or the administrator" in refused.content.decode()
    assert status(suspended)[0] == Organization.State.SUSPENDED


def test_another_staff_member_lifts_it_from_the_organizations_page(suspended, other_staff, client_for):
    client = client_for(other_staff)
    url = reverse("organizations:organization-lift-suspension", args=[suspended.pk])
    assert f'href="{url}"' in client.get(suspended.get_absolute_url()).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    assert escape(REASON) in form.content.decode()

    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"] == ["Say why the suspension is lifted."]
    assert status(suspended)[0] == Organization.State.SUSPENDED

    done = client.post(url, {"reason": LIFTED})
    assert done.status_code == 302
    assert done["Location"] == suspended.get_absolute_url()
    assert status(suspended)[0] == Organization.State.VERIFIED


def test_the_administrator_sees_the_way_to_lift_it(suspended, admin_user, client_for):
    url = reverse("organizations:organization-lift-suspension", args=[suspended.pk])
    client = client_for(admin_user)
    assert f'href="{url}"' in client.get(suspended.get_absolute_url()).content.decode()
    assert client.post(url, {"reason": LIFTED}).status_code == 302
    assert status(suspended)[0] == Organization.State.VERIFIED


def test_staff_of_any_municipality_may_suspend(organization, other_staff, client_for):
    url = reverse("organizations:organization-suspend", args=[organization.pk])
    response = client_for(other_staff).post(url, {"reason": REASON})
    assert response.status_code == 302
    assert status(organization) == (Organization.State.SUSPENDED, REASON, other_staff)


def test_the_contact_names_every_municipality_the_person_works_for(suspended, finance_staff, client_for):
    MunicipalityMembershipFactory(user=finance_staff, municipality__name="Balykchy")
    text = notice(client_for(finance_staff).get(suspended.get_absolute_url()).content.decode())
    assert "Balykchy" in text and "Karakol" in text
