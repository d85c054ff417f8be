"""A member of an NCO who is also the municipality's consultant or finance staff neither reviews
its reports nor records the payment of its tranches, and is told why."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from monitoring.models import MonitoringReport, PaymentTranche
from monitoring.services import projects as project_services
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def _submitted(contracted) -> MonitoringReport:
    report = contracted.reports[0]
    fill(contracted, report)
    return report_services.report_submit(report=report, by=contracted.member)


@pytest.mark.parametrize("role", ["consultant", "finance"])
def test_a_reviewer_who_is_a_member_cannot_review_its_reports(contracted, organization, client_for, role):
    reviewer = getattr(contracted, role)
    OrganizationMembershipFactory(organization=organization, user=reviewer)
    report = _submitted(contracted)
    with pytest.raises(ValidationError, match="so you cannot review its reports"):
        report_services.report_review(report=report, by=reviewer, accept=True, comments={})
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.SUBMITTED

    client = client_for(reviewer)
    reason = escape(f"You are a member of {organization.name}, so you cannot review its reports.")
    page = client.get(report.get_absolute_url())
    assert reason in page.content.decode()
    assert 'data-testid="review-form"' not in page.content.decode()
    response = client.post(
        reverse("monitoring:report-review", args=[report.pk]), {"decision": "accept"}, follow=True
    )
    assert reason in response.content.decode()
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.SUBMITTED
    queue = client.get(reverse("monitoring:queue"))
    assert reason in queue.content.decode()


def test_a_colleague_who_is_not_a_member_still_reviews(contracted, organization, client_for):
    OrganizationMembershipFactory(organization=organization, user=contracted.consultant)
    report = _submitted(contracted)
    page = client_for(contracted.finance).get(report.get_absolute_url())
    assert 'data-testid="review-form"' in page.content.decode()
    report_services.report_review(report=report, by=contracted.finance, accept=True, comments={})
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.ACCEPTED


def test_a_member_consultant_is_not_told_that_a_report_arrived(contracted, organization, municipality):
    other = MunicipalityMembershipFactory(municipality=municipality, consultant=True).user
    OrganizationMembershipFactory(organization=organization, user=contracted.consultant)
    report = contracted.reports[0]
    assert report_services.report_reviewers(report=report, previous=None) == [other]
    mail.outbox.clear()


def test_finance_staff_who_are_members_cannot_record_its_payments(contracted, organization, client_for):
    OrganizationMembershipFactory(organization=organization, user=contracted.finance)
    tranche = contracted.project.tranches.get(number=1)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="so you cannot record the payment of its tranches"):
        project_services.tranche_mark_paid(tranche=tranche, by=contracted.finance, paid_on=today)
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None

    client = client_for(contracted.finance)
    reason = escape(
        f"You are a member of {organization.name}, so you cannot record the payment of its tranches."
    )
    url = reverse("monitoring:tranche-paid", args=[contracted.project.pk, tranche.pk])
    page = client.get(contracted.project.get_absolute_url())
    assert reason in page.content.decode()
    assert url not in page.content.decode()
    response = client.post(url, {"paid_on": (today - datetime.timedelta(days=1)).isoformat()}, follow=True)
    assert reason in response.content.decode()
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None
