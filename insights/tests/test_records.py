"""The track record equals what the rows say, counted here without the selector; nothing sealed or
undecided counts; many organizations are read in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import records
from insights.tests.track_history import application_in, past_application, project_of, report
from monitoring.models import MonitoringReport, Project, ReportRound
from organizations.factories import OrganizationFactory
from procurement.factories import CompetitionFactory
from procurement.models import Application, Competition

pytestmark = pytest.mark.django_db

ACCEPTED = ReportRound.Decision.ACCEPTED
REVISION = ReportRound.Decision.REVISION_REQUESTED


def build_history(organization):
    """Three ranked applications (two awarded), what must not count, two projects, six reports."""
    won = past_application(organization, awarded=Decimal("150000"))
    other_win = past_application(organization, awarded=Decimal("90000.50"))
    past_application(organization)
    completed = CompetitionFactory(completed=True)
    application_in(organization, completed, ineligible=True)
    application_in(organization, CompetitionFactory(completed=True), withdrawn=True)
    application_in(organization, CompetitionFactory(evaluation=True), eligible=True)
    application_in(organization, CompetitionFactory(published=True))
    active = project_of(won)
    finished = project_of(other_win, Project.State.COMPLETED)
    report(active, 1, state=MonitoringReport.State.ACCEPTED, due_days=-60, rounds=(ACCEPTED,))
    report(active, 2, state=MonitoringReport.State.ACCEPTED, due_days=-30, rounds=(REVISION, ACCEPTED))
    report(active, 3, state=MonitoringReport.State.DRAFT, due_days=-2)
    report(active, 4, state=MonitoringReport.State.SUBMITTED, due_days=-1, rounds=("",))
    report(active, 5, state=MonitoringReport.State.DRAFT, due_days=20)
    report(finished, 1, state=MonitoringReport.State.ACCEPTED, due_days=-90, rounds=(ACCEPTED,))
    report(finished, 2, state=MonitoringReport.State.DRAFT, due_days=-5)


def expected(organization) -> dict:
    """The figures counted from the rows one by one, as the module's docstring defines them."""
    ranked = [
        a
        for a in Application.objects.filter(organization=organization)
        if a.competition.state == Competition.State.COMPLETED
        and a.state in (Application.State.ELIGIBLE, Application.State.AWARDED, Application.State.NOT_AWARDED)
    ]
    awards = [a.award for a in ranked if hasattr(a, "award")]
    projects = list(Project.objects.filter(organization=organization))
    reports = [r for p in projects for r in p.reports.all()]
    first_rounds = [r.rounds.get(number=1) for r in reports if r.rounds.filter(number=1).exists()]
    decided = [one for one in first_rounds if one.decision]
    today = timezone.localdate()
    return {
        "applications": len(ranked),
        "awards": len(awards),
        "awarded": sum((a.amount for a in awards), Decimal("0")),
        "projects": {s: sum(1 for p in projects if p.state == s) for s in {p.state for p in projects}},
        "reviewed": len(decided),
        "accepted_first": sum(1 for one in decided if one.decision == ACCEPTED),
        "overdue": sum(
            1
            for r in reports
            if r.state in ("draft", "revision_requested")
            and r.due_date < today
            and r.project.state == Project.State.ACTIVE
        ),
    }


def test_the_record_equals_the_rows(organization):
    build_history(organization)
    record = records.track_record(organization)
    want = expected(organization)
    assert record.applications == want["applications"] == 3
    assert record.awards == want["awards"] == 2
    assert record.awarded == want["awarded"] == Decimal("240000.50")
    assert record.projects == want["projects"]
    assert record.projects_total == 2 and record.projects_completed == 1
    assert record.reports_reviewed == want["reviewed"] == 3
    assert record.reports_accepted_first == want["accepted_first"] == 2
    assert record.first_time_share == round(100 * want["accepted_first"] / want["reviewed"]) == 67
    assert record.reports_overdue == want["overdue"] == 1


def test_an_organization_without_a_past_has_an_empty_record(organization):
    application_in(organization, CompetitionFactory(published=True))
    record = records.track_record(organization)
    assert record.empty
    assert (record.applications, record.awards, record.awarded, record.reports_overdue) == (0, 0, 0, 0)
    assert record.first_time_share is None


def test_sealed_and_undecided_applications_never_count(organization):
    open_competition = CompetitionFactory(published=True)
    sealed = application_in(organization, open_competition)
    in_evaluation = application_in(organization, CompetitionFactory(evaluation=True), eligible=True)
    listed = set(records.past_applications(organization).values_list("pk", flat=True))
    assert listed.isdisjoint({sealed.pk, in_evaluation.pk})
    assert records.track_record(organization).applications == 0


def test_by_year_sums_the_awards_of_each_year(organization):
    zone = timezone.get_current_timezone()
    for year, amount in ((2024, Decimal("100000")), (2024, None), (2025, Decimal("50000"))):
        deadline = timezone.datetime(year, 3, 1, 12, tzinfo=zone)
        past_application(organization, awarded=amount, deadline=deadline)
    years = records.by_year(organization)
    assert [(y.year, y.applications, y.awards, y.awarded) for y in years] == [
        (2024, 2, 1, Decimal("100000")),
        (2025, 1, 1, Decimal("50000")),
    ]


def _queries(ids) -> int:
    with CaptureQueriesContext(connection) as queries:
        records.track_records(ids)
    return len(queries)


def test_many_organizations_at_once_in_fixed_queries(organization):
    organizations = [organization, *(OrganizationFactory(verified=True) for _ in range(5))]
    for one in organizations:
        build_history(one)
    many = records.track_records([o.pk for o in organizations])
    assert set(many) == {o.pk for o in organizations}
    for one in organizations:
        assert many[one.pk] == records.track_record(one)
    assert _queries([o.pk for o in organizations[:2]]) == _queries([o.pk for o in organizations]) <= 6
    assert records.track_records([]) == {}
