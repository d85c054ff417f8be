"""The track-record panel beside each application for the commission and the staff: never before
the deadline, and read for all the applications of a page at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.tests.track_history import past_application
from organizations.factories import UserFactory
from procurement.factories import ApplicationFactory, CommissionMemberFactory, CompetitionFactory
from procurement.models import CommissionMember
from procurement.services import evaluation as evaluation_services

pytestmark = pytest.mark.django_db

PANEL = 'data-testid="track-record-panel"'


def render(source: str, **context) -> str:
    return Template("{% load track_records %}" + source).render(Context(context))


def test_the_tag_renders_nothing_before_the_deadline(organization):
    past_application(organization, awarded=Decimal("100000"))
    open_competition = CompetitionFactory(published=True)
    ApplicationFactory(competition=open_competition, organization=organization, submit=True)
    panel = render(
        "{% track_record organization competition %}", organization=organization, competition=open_competition
    )
    assert panel.strip() == ""
    mapping = render(
        "{% track_records_for applications competition as records %}{{ records|length }}",
        applications=list(open_competition.applications.all()),
        competition=open_competition,
    )
    assert mapping == "0"


def test_the_tag_shows_the_record_after_the_deadline(organization):
    past_application(organization, awarded=Decimal("100000"))
    closed = CompetitionFactory(past_deadline=True)
    page = render(
        "{% track_record organization competition %}", organization=organization, competition=closed
    )
    assert PANEL in page
    assert reverse("insights:organization-profile", args=[organization.pk]) in page


def in_evaluation(municipality, size: int):
    """A competition under evaluation with ``size`` eligible applications, each of an organization
    with a past, and its chair, who has signed the declaration."""
    competition = CompetitionFactory(municipality=municipality, evaluation=True, criteria=True)
    chair = UserFactory()
    CommissionMemberFactory(competition=competition, user=chair, role=CommissionMember.Role.CHAIR)
    applications = []
    for index in range(size):
        application = ApplicationFactory(competition=competition, eligible=True)
        past_application(application.organization, awarded=Decimal("50000") if index % 2 else None)
        applications.append(application)
    evaluation_services.declaration_sign(competition=competition, by=chair, conflicts=[])
    return competition, chair, applications


def _overview(client_for, competition, chair) -> tuple[int, str]:
    client = client_for(chair)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("procurement:evaluation", args=[competition.reference]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_overview_shows_a_panel_per_application_in_fixed_queries(client_for, municipality):
    small, small_chair, _ = in_evaluation(municipality, 2)
    large, large_chair, applications = in_evaluation(municipality, 8)
    small_count, small_page = _overview(client_for, small, small_chair)
    large_count, large_page = _overview(client_for, large, large_chair)
    assert small_page.count(PANEL) == 2 and large_page.count(PANEL) == 8
    for application in applications:
        assert f'data-organization="{application.organization_id}"' in large_page
    assert small_count == large_count


def test_the_score_sheet_shows_the_panel(client_for, municipality):
    _, chair, applications = in_evaluation(municipality, 1)
    response = client_for(chair).get(reverse("procurement:score-sheet", args=[applications[0].pk]))
    assert response.status_code == 200
    assert PANEL in response.content.decode()


def test_the_staff_list_after_the_deadline_shows_the_panel(client_for, municipality, finance_staff):
    competition, _, _ = in_evaluation(municipality, 2)
    page = client_for(finance_staff).get(
        reverse("procurement:competition-applications", args=[competition.reference])
    )
    assert page.status_code == 200
    assert page.content.decode().count(PANEL) == 2


def test_the_staff_list_before_the_deadline_shows_no_panel(client_for, municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True)
    application = ApplicationFactory(competition=competition, submit=True)
    past_application(application.organization, awarded=Decimal("50000"))
    page = client_for(finance_staff).get(
        reverse("procurement:competition-applications", args=[competition.reference])
    )
    assert page.status_code == 200
    assert PANEL not in page.content.decode()
