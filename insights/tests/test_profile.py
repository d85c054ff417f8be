"""The public profile: who has one, the figures it shows, nothing sealed, fixed queries, the CSV
of its charts and the links to it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from insights.tests.track_history import application_in, past_application, project_of
from monitoring.models import Project
from organizations.factories import OrganizationFactory
from organizations.models import Organization
from procurement.factories import CompetitionFactory

pytestmark = pytest.mark.django_db


def url(organization) -> str:
    return reverse("insights:organization-profile", args=[organization.pk])


def test_a_verified_organization_shows_its_record(client, organization):
    won = past_application(organization, awarded=Decimal("200000"), title="Children of labour migrants")
    past_application(organization, title="Winter shelter")
    project_of(won, Project.State.COMPLETED)
    response = client.get(url(organization))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(organization.name) in page and organization.inn in page
    record = response.context["record"]
    assert (record.applications, record.awards, record.awarded, record.projects_completed) == (
        2,
        1,
        Decimal("200000"),
        1,
    )
    assert "Children of labour migrants" in page and "Winter shelter" in page
    assert 'id="chart-awards-by-year"' in page and 'id="chart-projects-by-state"' in page


def test_a_pending_or_unknown_organization_has_no_profile(client):
    pending = OrganizationFactory()
    assert client.get(url(pending)).status_code == 404
    assert client.get(reverse("insights:organization-profile", args=[pending.pk + 1000])).status_code == 404


def test_a_suspended_organization_says_so(client):
    suspended = OrganizationFactory(suspended=True)
    response = client.get(url(suspended))
    assert response.status_code == 200
    assert 'data-testid="suspended"' in response.content.decode()


def test_an_organization_suspended_before_its_verification_has_no_profile(client):
    never_verified = OrganizationFactory(suspended=True, suspended_from=Organization.State.PENDING)
    assert client.get(url(never_verified)).status_code == 404


def test_a_sealed_application_never_appears(client, organization):
    past_application(organization, title="Published results")
    open_competition = CompetitionFactory(published=True, title="Still open for proposals")
    application_in(organization, open_competition)
    evaluated = CompetitionFactory(evaluation=True, title="Still under evaluation")
    application_in(organization, evaluated, eligible=True)
    page = client.get(url(organization)).content.decode()
    assert "Published results" in page
    assert "Still open for proposals" not in page and open_competition.reference not in page
    assert "Still under evaluation" not in page and evaluated.reference not in page


def _queries(client, organization) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(organization)).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_applications(client, organization, other_organization):
    for index in range(2):
        won = past_application(organization, awarded=Decimal("100000") if index % 2 else None)
    for index in range(10):
        won = past_application(other_organization, awarded=Decimal("100000") if index % 2 else None)
        if index % 2:
            project_of(won)
    assert _queries(client, organization) == _queries(client, other_organization)


def test_the_chart_figures_as_csv(client, organization):
    past_application(organization, awarded=Decimal("123456"))
    response = client.get(url(organization), {"chart": "awards-by-year", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "123456" in text.replace(" ", "").replace("\xa0", "").replace("\u202f", "")


def test_results_and_the_organization_page_link_to_the_profile(client_for, organization, nco_member):
    application = past_application(organization, awarded=Decimal("100000"))
    competition_page = client_for(None).get(application.competition.get_absolute_url()).content.decode()
    assert f'href="{url(organization)}"' in competition_page
    own_page = client_for(nco_member).get(organization.get_absolute_url()).content.decode()
    assert f'href="{url(organization)}"' in own_page


def test_a_pending_organization_page_has_no_profile_link(client_for):
    from organizations.factories import OrganizationMembershipFactory

    pending = OrganizationFactory()
    member = OrganizationMembershipFactory(organization=pending).user
    page = client_for(member).get(pending.get_absolute_url()).content.decode()
    assert 'data-testid="public-profile"' not in page
