"""The auditor of a municipality: reads what its finance staff read, under the same seals, sees
nothing of another municipality, changes nothing, and logs in with a second factor.

The access matrices (each app's tests/test_access*.py) give the auditor's answer on every URL;
these tests check what the pages show them."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from monitoring.models import PaymentTranche, Project
from organizations.models import MunicipalityMembership
from organizations.permissions import mfa_required
from procurement.factories import ApplicationFactory, CompetitionFactory, PriorityIssueFactory
from procurement.models import Application, Competition, PriorityIssue

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(auditor, client_for):
    return client_for(auditor)


@pytest.fixture
def closed(municipality, organization):
    """A competition past its deadline with one submitted application."""
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    application = ApplicationFactory(competition=competition, organization=organization, submit=True)
    return competition, application


@pytest.fixture
def sealed(municipality, organization):
    """A competition open for proposals with one submitted (sealed) application."""
    competition = CompetitionFactory(municipality=municipality, published=True)
    application = ApplicationFactory(competition=competition, organization=organization, submit=True)
    return competition, application


def test_the_auditor_reads_the_competitions_and_the_applications_after_the_deadline(
    auditor_client, municipality, closed
):
    competition, application = closed
    page = auditor_client.get(reverse("procurement:staff-competitions", args=[municipality.slug]))
    assert page.status_code == 200
    assert competition.reference in page.content.decode()
    listed = auditor_client.get(reverse("procurement:competition-applications", args=[competition.reference]))
    assert listed.status_code == 200
    assert [row[0].pk for row in listed.context["rows"]] == [application.pk]
    assert not listed.context["rows"][0][1]  # screening is not the auditor's
    assert reverse("procurement:application-screen", args=[application.pk]) not in listed.content.decode()
    detail = auditor_client.get(application.get_absolute_url())
    assert detail.status_code == 200
    assert application.project_title in detail.content.decode()


def test_before_the_deadline_the_auditor_sees_counts_only(auditor_client, sealed):
    competition, application = sealed
    listed = auditor_client.get(reverse("procurement:competition-applications", args=[competition.reference]))
    assert listed.status_code == 200
    assert listed.context["sealed"] is True
    assert listed.context["counts"]["submitted"] == 1
    assert "rows" not in listed.context
    content = listed.content.decode()
    assert application.receipt_number not in content
    assert application.organization.name not in content
    assert auditor_client.get(application.get_absolute_url()).status_code == 404


def test_the_auditor_reads_the_projects_tranches_and_reports(auditor_client, municipality, contracted):
    projects = auditor_client.get(reverse("monitoring:municipality-projects", args=[municipality.slug]))
    assert projects.status_code == 200
    content = projects.content.decode()
    assert contracted.project.contract_number in content
    assert 'data-testid="to-contract"' not in content
    tranches = auditor_client.get(reverse("monitoring:municipality-tranches", args=[municipality.slug]))
    assert tranches.status_code == 200
    assert "Mark paid" not in tranches.content.decode()
    project = auditor_client.get(contracted.project.get_absolute_url())
    assert project.status_code == 200
    assert project.context["manager"] is False
    assert not project.context["setup"] and not project.context["payment"]
    report = auditor_client.get(contracted.reports[0].get_absolute_url())
    assert report.status_code == 200


def test_the_auditor_sees_nothing_of_another_municipality(auditor_client, other_municipality, other_staff):
    draft = CompetitionFactory(municipality=other_municipality, ready=True)
    for name in ("procurement:staff-competitions", "procurement:priority-issue-manage"):
        assert auditor_client.get(reverse(name, args=[other_municipality.slug])).status_code == 404
    for name in ("monitoring:municipality-projects", "monitoring:municipality-tranches"):
        assert auditor_client.get(reverse(name, args=[other_municipality.slug])).status_code == 404
    assert auditor_client.get(draft.get_absolute_url()).status_code == 404
    home = auditor_client.get(reverse("home")).content.decode()
    assert other_municipality.name not in home


def test_the_pages_show_the_auditor_no_button_that_changes_anything(auditor_client, municipality):
    PriorityIssueFactory(municipality=municipality, draft=True)
    draft = CompetitionFactory(municipality=municipality, ready=True)
    competitions = auditor_client.get(reverse("procurement:staff-competitions", args=[municipality.slug]))
    content = competitions.content.decode()
    assert 'data-testid="read-only"' in content
    assert reverse("procurement:competition-create", args=[municipality.slug]) not in content
    issues = auditor_client.get(reverse("procurement:priority-issue-manage", args=[municipality.slug]))
    content = issues.content.decode()
    assert 'method="post"' not in content.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "/edit/" not in content
    page = auditor_client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="read-panel"' in page
    assert 'data-testid="manage-panel"' not in page
    assert reverse("procurement:competition-edit", args=[draft.reference]) not in page
    assert reverse("procurement:competition-publish", args=[draft.reference]) not in page


def test_every_change_is_refused_and_changes_nothing(auditor_client, municipality, closed, contracted):
    competition, application = closed
    issue = PriorityIssueFactory(municipality=municipality, draft=True)
    tranche = contracted.project.tranches.get(number=1)
    before = (
        list(Competition.objects.values_list("pk", "state", "title")),
        list(Application.objects.values_list("pk", "state")),
        list(PriorityIssue.objects.values_list("pk", "state")),
        list(PaymentTranche.objects.values_list("pk", "paid_on")),
        list(Project.objects.values_list("pk", "state")),
    )
    posts = [
        (reverse("procurement:competition-create", args=[municipality.slug]), {"title_en": "New"}),
        (reverse("procurement:competition-start-evaluation", args=[competition.reference]), {}),
        (reverse("procurement:competition-cancel", args=[competition.reference]), {"reason": "No"}),
        (reverse("procurement:priority-issue-approve", args=[issue.pk]), {}),
        (reverse("procurement:application-screen", args=[application.pk]), {"decision": "eligible"}),
        (
            reverse("monitoring:tranche-paid", args=[contracted.project.pk, tranche.pk]),
            {"paid_on": "2026-02-01"},
        ),
        (reverse("monitoring:project-state", args=[contracted.project.pk, "suspended"]), {"reason": "x"}),
        (reverse("monitoring:report-review", args=[contracted.reports[1].pk]), {"decision": "accept"}),
    ]
    for url, data in posts:
        assert auditor_client.post(url, data).status_code in (403, 404), url
    after = (
        list(Competition.objects.values_list("pk", "state", "title")),
        list(Application.objects.values_list("pk", "state")),
        list(PriorityIssue.objects.values_list("pk", "state")),
        list(PaymentTranche.objects.values_list("pk", "paid_on")),
        list(Project.objects.values_list("pk", "state")),
    )
    assert after == before


def test_the_home_page_of_an_auditor(auditor_client, municipality):
    CompetitionFactory(municipality=municipality, published=True)
    page = auditor_client.get(reverse("home"))
    content = page.content.decode()
    assert 'data-testid="auditor-home"' in content
    assert 'data-testid="staff-home"' not in content
    assert 'data-testid="no-role-home"' not in content
    assert reverse("monitoring:municipality-projects", args=[municipality.slug]) in content
    assert reverse("procurement:competition-create", args=[municipality.slug]) not in content
    assert page.context["auditor_panels"][0][1]["published"] == 1
    assert 'data-testid="auditor-menu"' in content


def test_an_auditor_logs_in_with_a_second_factor(auditor, no_role):
    assert mfa_required(auditor)
    assert not mfa_required(no_role)


def test_the_demo_auditor_audits_karakol(settings):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    user = authenticate(email="auditor@karakol.example", password="ssp-demo-2026")
    assert user is not None
    membership = MunicipalityMembership.objects.get(user=user)
    assert (membership.municipality.code, membership.role) == ("KRK", MunicipalityMembership.Role.AUDITOR)
