"""A public page kept for visitors (ssp_portal/public_cache.py) shows each change a service makes
as soon as it is committed: competitions published, amended, cancelled, closed at their deadline
(by the periodic task), under evaluation, completed with their results; priority issues approved
and edited; organizations renamed or verified."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.factories import OrganizationFactory
from organizations.services import organizations as organization_services
from procurement.factories import CompetitionFactory, PriorityIssueFactory
from procurement.models import Competition
from procurement.services import competitions as services
from procurement.services import evaluation as evaluation_services
from procurement.services import priority_issues as issue_services
from procurement.tasks import close_competitions_past_deadline
from procurement.tests.competition_in_evaluation import score, sign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_public_pages")]


def page(address: str) -> str:
    """The page as a new visitor gets it (kept, once someone asked for it)."""
    response = Client().get(address)
    assert response.status_code == 200
    return response.content.decode()


def kept(address: str) -> str:
    """The page, kept: the next visitor gets it without a query."""
    first = page(address)
    with CaptureQueriesContext(connection) as captured:
        page(address)
    assert len(captured) == 0
    return first


def state_of(address: str) -> str:
    text = page(address)
    start = text.index('data-state="') + len('data-state="')
    return text[start : text.index('"', start)]


@pytest.fixture
def published(municipality):
    return CompetitionFactory(municipality=municipality, published=True, title="Clean water for schools")


def test_a_published_competition_is_listed_at_once(municipality, finance_staff, on_commit):
    draft = CompetitionFactory(municipality=municipality, ready=True, title="Libraries for villages")
    assert "Libraries for villages" not in kept("/competitions/")
    with on_commit():
        services.competition_publish(competition=draft, by=finance_staff)
    assert "Libraries for villages" in page("/competitions/")
    assert "Libraries for villages" in page("/")


def test_an_amendment_shows_at_once(published, finance_staff, on_commit):
    address = published.get_absolute_url()
    assert 'data-testid="amendments"' not in kept(address)
    with on_commit():
        services.competition_amend(
            competition=published,
            by=finance_staff,
            explanation="The council added 50 000 soms.",
            changes={"budget": Decimal("450000")},
        )
    text = page(address)
    assert 'data-testid="amendments"' in text and "The council added 50 000 soms." in text


def test_a_cancellation_shows_at_once(published, finance_staff, on_commit):
    address = published.get_absolute_url()
    assert state_of(address) == "published"
    with on_commit():
        services.competition_cancel(competition=published, by=finance_staff, reason="Budget withdrawn.")
    assert state_of(address) == "cancelled"
    assert "Budget withdrawn." in page(address)
    assert "Clean water for schools" not in page("/")


def test_the_deadline_task_closes_the_kept_pages_too(published, on_commit):
    """The deadline passes with no one acting: the task that records the closing, every minute,
    renews the pages (besides, no page is kept longer than SSP_PUBLIC_CACHE_SECONDS)."""
    assert "Clean water for schools" in kept("/")
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    Competition.objects.filter(pk=published.pk).update(deadline=deadline)  # time passes
    assert "Clean water for schools" in page("/")  # kept from before the deadline
    with on_commit():
        assert close_competitions_past_deadline() == 1
    assert "Clean water for schools" not in page("/")
    assert state_of(published.get_absolute_url()) == "closed"


def test_the_start_of_the_evaluation_shows_at_once(municipality, finance_staff, on_commit):
    closed = CompetitionFactory(municipality=municipality, closed=True)
    address = closed.get_absolute_url()
    assert state_of(address) == "closed"
    with on_commit():
        services.competition_start_evaluation(competition=closed, by=finance_staff)
    assert state_of(address) == "evaluation"


def scored(evaluation) -> None:
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(evaluation, user, application, values)


def test_the_results_show_at_once(evaluation, finance_staff, on_commit):
    scored(evaluation)
    evaluation_services.award_grant(
        application=evaluation.applications[0], by=finance_staff, amount=Decimal("150000")
    )
    address = evaluation.competition.get_absolute_url()
    assert 'data-testid="public-results"' not in kept(address)
    with on_commit():
        services.competition_complete(competition=evaluation.competition, by=finance_staff)
    text = page(address)
    assert 'data-testid="public-results"' in text
    assert "Organization A" in text


def test_an_organization_renamed_shows_at_once_in_the_results(evaluation, finance_staff, on_commit):
    scored(evaluation)
    evaluation_services.award_grant(
        application=evaluation.applications[0], by=finance_staff, amount=Decimal("150000")
    )
    Competition.objects.filter(pk=evaluation.competition.pk).update(
        state=Competition.State.COMPLETED, completed_at=timezone.now()
    )
    address = evaluation.competition.get_absolute_url()
    assert "Organization A" in kept(address)
    organization = evaluation.applications[0].organization
    with on_commit():
        organization_services.organization_update(
            organization=organization, by=evaluation.applicants[0], data={"name": "Organization Alatoo"}
        )
    text = page(address)
    assert "Organization Alatoo" in text and "Organization A<" not in text


def figures(text: str) -> list[str]:
    return re.findall(r'<div class="figure-number">(\d+)</div>', text)


def test_a_verified_organization_counts_at_once_on_the_home_page(municipality, finance_staff, on_commit):
    pending = OrganizationFactory()
    assert figures(kept("/")) == ["1", "0"]
    with on_commit():
        organization_services.organization_verify(organization=pending, by=finance_staff)
    assert figures(page("/")) == ["1", "1"]


def test_a_priority_issue_approved_or_edited_shows_at_once(municipality, finance_staff, on_commit):
    issue = PriorityIssueFactory(municipality=municipality, draft=True, title="Care for older people")
    assert "Care for older people" not in kept("/priority-issues/")
    with on_commit():
        issue_services.priority_issue_approve(issue=issue, by=finance_staff)
    assert "Care for older people" in page("/priority-issues/")
    with on_commit():
        issue_services.priority_issue_update(
            issue=issue, by=finance_staff, data={"title": "Home care for older people"}
        )
    assert "Home care for older people" in page("/priority-issues/")
