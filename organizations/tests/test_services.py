from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.factories import PDF_BYTES, OrganizationFactory, OrganizationMembershipFactory, UserFactory
from organizations.models import Organization, OrganizationDocument
from organizations.services import organizations as organization_services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.files import PrivateFileField

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": 'Public Foundation "Baldarga Tirek"',
    "legal_form": Organization.LegalForm.PUBLIC_FOUNDATION,
    "registration_number": "12345-3301-PF",
    "inn": "01405201210123",
    "registration_date": datetime.date(2012, 5, 14),
    "region": "issyk_kul",
    "address": "Karakol",
    "phone": "+996 3922 5 00 01",
    "email": "info@baldarga.example",
    "website": "",
    "head_name": "Cholpon Abdyldaeva",
    "mission": "Children of labor migrants.",
}


def events(target) -> list[str]:
    return list(AuditEvent.objects.for_target(target).order_by("id").values_list("verb", flat=True))


def test_registering_makes_a_pending_organization_with_its_first_member():
    user = UserFactory()
    organization = organization_services.organization_register(user=user, data=PROFILE)
    assert organization.state == Organization.State.PENDING
    assert list(organization.memberships.values_list("user", flat=True)) == [user.pk]
    assert organization.created_by == user
    assert events(organization) == ["organization.registered"]


def test_registering_rejects_an_invalid_inn_and_saves_nothing():
    with pytest.raises(ValidationError):
        organization_services.organization_register(
            user=UserFactory(), data={**PROFILE, "inn": "12503199000017"}
        )
    assert not Organization.objects.exists()


def test_verify_and_suspend_record_who_when_and_why(finance_staff, django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    member = OrganizationMembershipFactory(organization=organization).user

    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_verify(organization=organization, by=finance_staff)
    organization.refresh_from_db()
    assert organization.is_verified
    assert organization.state_changed_by == finance_staff
    assert organization.state_changed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_suspend(
            organization=organization, by=finance_staff, reason="Charter expired"
        )
    organization.refresh_from_db()
    assert organization.state == Organization.State.SUSPENDED
    assert organization.state_reason == "Charter expired"
    assert events(organization) == ["organization.verified", "organization.suspended"]
    suspended = AuditEvent.objects.for_target(organization).get(verb="organization.suspended")
    assert suspended.details == {"from": "verified", "to": "suspended", "reason": "Charter expired"}
    assert [m.to for m in mail.outbox] == [[member.email], [member.email]]
    assert "Charter expired" in mail.outbox[1].body


def test_a_suspension_needs_a_reason(finance_staff):
    organization = OrganizationFactory()
    with pytest.raises(ValidationError):
        organization_services.organization_suspend(organization=organization, by=finance_staff, reason="   ")
    organization.refresh_from_db()
    assert organization.state == Organization.State.PENDING


def test_verifying_a_verified_organization_is_refused(finance_staff):
    organization = OrganizationFactory(verified=True)
    with pytest.raises(ValidationError, match="verified"):
        organization_services.organization_verify(organization=organization, by=finance_staff)
    assert events(organization) == []


@pytest.mark.parametrize("persona", ["nco_member", "consultant", "admin_user"])
def test_only_finance_staff_verify(persona, request):
    organization = OrganizationFactory()
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        organization_services.organization_verify(organization=organization, by=user)
    organization.refresh_from_db()
    assert organization.state == Organization.State.PENDING


def test_changing_identity_details_sends_a_verified_organization_back_to_pending(organization, nco_member):
    updated = organization_services.organization_update(
        organization=organization, by=nco_member, data={"inn": "02109201510456", "phone": "+996 700 1"}
    )
    assert updated.state == Organization.State.PENDING
    event = AuditEvent.objects.for_target(organization).get(verb="organization.updated")
    assert event.details == {"fields": ["inn", "phone"], "returned_to_pending": True}


def test_changing_contacts_keeps_the_organization_verified(organization, nco_member):
    updated = organization_services.organization_update(
        organization=organization, by=nco_member, data={"phone": "+996 700 2"}
    )
    assert updated.is_verified
    assert updated.phone == "+996 700 2"


def test_saving_an_unchanged_profile_writes_nothing(organization, nco_member):
    organization_services.organization_update(
        organization=organization, by=nco_member, data={"phone": organization.phone}
    )
    assert events(organization) == []


def test_only_members_edit(organization, other_member, finance_staff):
    for user in (other_member, finance_staff):
        with pytest.raises(PermissionDenied):
            organization_services.organization_update(organization=organization, by=user, data={"phone": "1"})


def test_a_document_is_stored_under_a_random_name(organization, nco_member, settings):
    upload = PrivateFileField().clean(SimpleUploadedFile("../../Устав <b>.pdf", PDF_BYTES))
    document = organization_services.organization_document_add(
        organization=organization, by=nco_member, kind=OrganizationDocument.Kind.CHARTER, file=upload
    )
    assert document.original_name == "Устав <b>.pdf"
    assert document.content_type == "application/pdf"
    assert document.file.name.startswith("organization-documents/")
    assert document.file.name.endswith(".pdf")
    assert "Устав" not in document.file.name
    assert document.file.storage.exists(document.file.name)
    assert events(organization) == ["organization.document_added"]

    organization_services.organization_document_remove(document=document, by=nco_member)
    assert not OrganizationDocument.objects.exists()
    assert events(organization) == ["organization.document_added", "organization.document_removed"]


def test_a_document_must_pass_the_content_check(organization, nco_member):
    with pytest.raises(ValueError, match="PrivateFileField"):
        organization_services.organization_document_add(
            organization=organization,
            by=nco_member,
            kind=OrganizationDocument.Kind.CHARTER,
            file=SimpleUploadedFile("x.pdf", PDF_BYTES),
        )
