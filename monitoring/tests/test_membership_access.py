"""A removed member of an organization no longer sees its projects and reports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import MonitoringReport, Project
from monitoring.tests.contracted_project import build
from organizations.factories import OrganizationMembershipFactory
from organizations.services import memberships as membership_services

pytestmark = pytest.mark.django_db


def test_a_removed_member_loses_the_projects_and_reports_at_once(
    municipality, organization, nco_member, finance_staff, client_for
):
    contracted = build(municipality, organization, finance_staff)
    colleague = OrganizationMembershipFactory(organization=organization)
    client = client_for(colleague.user)
    report = contracted.reports[0]
    pages = [
        contracted.project.get_absolute_url(),
        reverse("monitoring:report-detail", args=[report.pk]),
    ]
    assert [client.get(url).status_code for url in pages] == [200, 200]

    membership_services.organization_member_remove(membership=colleague, by=nco_member)
    # The project's address now shows what everyone sees: its public page.
    project_page = client.get(pages[0])
    assert project_page.status_code == 200
    assert project_page.templates[0].name == "monitoring/project_public.html"
    assert client.get(pages[1]).status_code == 404
    assert not Project.objects.visible_to(colleague.user).exists()
    assert not MonitoringReport.objects.visible_to(colleague.user).exists()
    assert Project.objects.visible_to(nco_member).get() == contracted.project
