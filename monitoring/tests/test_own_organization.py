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
from monitoring.tests.world import build, fill
from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality, organization, nco_member, finance_staff):
    return build(municipality, organization, finance_staff)


def _submitted(world) -> MonitoringReport:
    report = world.reports[0]
    fill(world, report)
    return report_services.report_submit(report=report, by=world.member)


@pytest.mark.parametrize("role", ["consultant", "finance"])
def test_a_reviewer_who_is_a_member_cannot_review_its_reports(world, organization, client_for, role):
    reviewer = getattr(world, role)
    OrganizationMembershipFactory(organization=organization, user=reviewer)
    report = _submitted(world)
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


def test_a_colleague_who_is_not_a_member_still_reviews(world, organization, client_for):
    OrganizationMembershipFactory(organization=organization, user=world.consultant)
    report = _submitted(world)
    page = client_for(world.finance).get(report.get_absolute_url())
    assert 'data-testid="review-form"' in page.content.decode()
    report_services.report_review(report=report, by=world.finance, accept=True, comments={})
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.ACCEPTED


def test_a_member_consultant_is_not_told_that_a_report_arrived(world, organization, municipality):
    other = MunicipalityMembershipFactory(municipality=municipality, consultant=True).user
    OrganizationMembershipFactory(organization=organization, user=world.consultant)
    report = world.reports[0]
    assert report_services.report_reviewers(report=report, previous=None) == [other]
    mail.outbox.clear()


def test_finance_staff_who_are_members_cannot_record_its_payments(world, organization, client_for):
    OrganizationMembershipFactory(organization=organization, user=world.finance)
    tranche = world.project.tranches.get(number=1)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="so you cannot record the payment of its tranches"):
        project_services.tranche_mark_paid(tranche=tranche, by=world.finance, paid_on=today)
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None

    client = client_for(world.finance)
    reason = escape(
        f"You are a member of {organization.name}, so you cannot record the payment of its tranches."
    )
    url = reverse("monitoring:tranche-paid", args=[world.project.pk, tranche.pk])
    page = client.get(world.project.get_absolute_url())
    assert reason in page.content.decode()
    assert url not in page.content.decode()
    response = client.post(url, {"paid_on": (today - datetime.timedelta(days=1)).isoformat()}, follow=True)
    assert reason in response.content.decode()
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None
