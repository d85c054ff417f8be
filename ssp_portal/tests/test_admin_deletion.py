"""What the administrator deletes in the admin, and what it refuses to delete.

An organization's document (one, or several at once) is deleted through a service: the stored
file goes once the transaction commits, and the organization's history records it. Records whose
files are evidence (submitted application attachments, sealed by the receipt's digest; monitoring
report attachments and site-visit photos, and the projects they belong to; generated documents)
cannot be deleted there at all.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from monitoring.factories import ProjectFactory
from organizations.factories import OrganizationDocumentFactory
from organizations.models import Organization, OrganizationDocument
from organizations.services import organizations as organization_services
from procurement.factories import ApplicationAttachmentFactory, ApplicationFactory, CompetitionFactory
from procurement.models import ApplicationAttachment
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def removed_events(organization) -> list[dict]:
    return list(
        AuditEvent.objects.for_target(organization)
        .filter(verb="organization.document_deleted")
        .order_by("id")
        .values_list("details", flat=True)
    )


def test_deleting_a_document_in_the_admin_removes_its_file_after_the_commit_and_records_it(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    document = OrganizationDocumentFactory(original_name="charter.pdf")
    organization, name = document.organization, document.file.name
    assert default_storage.exists(name)
    url = reverse("admin:organizations_organizationdocument_delete", args=[document.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not OrganizationDocument.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(name), "the file stays until the deletion is committed"
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)

    event = AuditEvent.objects.for_target(organization).get(verb="organization.document_deleted")
    assert event.actor == admin_user
    assert event.details == {"document": document.pk, "kind": "charter", "name": "charter.pdf"}


def test_deleting_documents_with_the_bulk_action_removes_every_file_and_records_each(
    admin_client, django_capture_on_commit_callbacks
):
    first = OrganizationDocumentFactory()
    second = OrganizationDocumentFactory(organization=first.organization, kind="other")
    kept = OrganizationDocumentFactory()
    names = [first.file.name, second.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:organizations_organizationdocument_changelist"),
            {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert list(OrganizationDocument.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(kept.file.name)
    assert sorted(d["document"] for d in removed_events(first.organization)) == [first.pk, second.pk]


def test_deleting_an_organization_in_the_admin_removes_its_documents_files_and_records_it(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    document = OrganizationDocumentFactory()
    organization = document.organization
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:organizations_organization_delete", args=[organization.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert not default_storage.exists(document.file.name)
    event = AuditEvent.objects.for_target(organization).get(verb="organization.deleted")
    assert event.actor == admin_user
    assert event.details["documents"] == [document.pk]


def test_deleting_organizations_with_the_bulk_action_removes_their_documents_files(
    admin_client, django_capture_on_commit_callbacks
):
    documents = [OrganizationDocumentFactory(), OrganizationDocumentFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:organizations_organization_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [d.organization_id for d in documents],
                "post": "yes",
            },
        )
    assert not Organization.objects.exists()
    assert not any(default_storage.exists(d.file.name) for d in documents)
    assert AuditEvent.objects.filter(verb="organization.deleted").count() == 2


def test_a_rolled_back_deletion_keeps_the_file(admin_user):
    document = OrganizationDocumentFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        organization_services.organization_documents_delete(documents=[document], by=admin_user)
        raise RuntimeError
    assert OrganizationDocument.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.file.name)


def test_only_the_administrator_deletes_documents_this_way(finance_staff, nco_member):
    document = OrganizationDocumentFactory()
    for person in (finance_staff, nco_member):
        with pytest.raises(PermissionDenied):
            organization_services.organization_documents_delete(documents=[document], by=person)
    assert OrganizationDocument.objects.filter(pk=document.pk).exists()


def submitted_attachment() -> ApplicationAttachment:
    competition = CompetitionFactory(past_deadline=True)
    application = ApplicationFactory(competition=competition, submit=True)
    return ApplicationAttachmentFactory(application=application)


def test_a_submitted_applications_attachment_cannot_be_deleted_in_the_admin(admin_client):
    attachment = submitted_attachment()
    changelist = reverse("admin:procurement_applicationattachment_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert 'value="delete_selected"' not in admin_client.get(changelist).content.decode()
    url = reverse("admin:procurement_applicationattachment_delete", args=[attachment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attachment.pk], "post": "yes"}
    )
    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)


def test_a_project_is_not_deleted_in_the_admin_with_its_reports_and_photos(admin_client):
    """Deleting a project would take its reports' attachments and site-visit photos with it."""
    project = ProjectFactory()
    url = reverse("admin:monitoring_project_delete", args=[project.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:monitoring_project_changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist
    assert type(project).objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize(
    "model",
    [
        "procurement.applicationattachment",
        "procurement.application",
        "monitoring.reportattachment",
        "monitoring.sitevisit",
        "monitoring.monitoringreport",
        "monitoring.project",
        "documents.document",
    ],
)
def test_records_whose_files_are_evidence_offer_no_deletion(admin_user, rf, model):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[apps.get_model(model)]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_organization_page_history_says_the_administrator_deleted_a_document(
    admin_client, nco_member, organization, client_for, django_capture_on_commit_callbacks
):
    document = OrganizationDocumentFactory(organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:organizations_organizationdocument_delete", args=[document.pk]), {"post": "yes"}
        )
    page = client_for(nco_member).get(organization.get_absolute_url()).content.decode()
    assert "Document deleted by the administrator" in page
