"""A suspended project's organization is told, on its report pages and its list of reports, that
the project is suspended, why, and what that means."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from monitoring.services import projects as project_services
from monitoring.tests.contracted_project import build

pytestmark = pytest.mark.django_db

MEANING = "its reports cannot be changed or submitted, and its tranches are not paid"


@pytest.fixture
def suspended(contracted, finance_staff):
    """The contracted project, suspended by the finance department with a reason."""
    project_services.project_change_state(
        project=contracted.project, by=finance_staff, state="suspended", reason="Audit of the books"
    )
    return contracted


def test_the_report_page_says_the_project_is_suspended_and_why(suspended, client_for):
    page = client_for(suspended.member).get(suspended.reports[0].get_absolute_url()).content.decode()
    assert 'data-testid="project-suspended"' in page
    assert f"Project {suspended.project.contract_number} is suspended since" in page
    assert "Reason given by the finance department: Audit of the books" in page
    assert MEANING in page


def test_my_reports_lists_the_paused_reports_with_the_reason(suspended, client_for):
    page = client_for(suspended.member).get(reverse("monitoring:reports-due")).content.decode()
    assert 'data-testid="paused-reports"' in page
    assert "Audit of the books" in page
    assert MEANING in page
    for report in suspended.reports:
        assert escape(report.get_absolute_url()) in page


def test_an_active_project_shows_no_notice(municipality, organization, nco_member, finance_staff, client_for):
    suspended = build(municipality, organization, finance_staff)
    client = client_for(suspended.member)
    assert (
        'data-testid="project-suspended"'
        not in client.get(suspended.reports[0].get_absolute_url()).content.decode()
    )
    assert (
        'data-testid="paused-reports"' not in client.get(reverse("monitoring:reports-due")).content.decode()
    )
