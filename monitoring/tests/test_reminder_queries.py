"""A repeated run of monitoring's reminders reads only what is due: nothing sent already is tried
again, and it asks the database the same few queries whatever the number sent before."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport, ReportRound
from monitoring.services.reminders import remind_reports
from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory
from ssp_portal.notifications.models import Reminder

pytestmark = pytest.mark.django_db

BISHKEK = datetime.timezone(datetime.timedelta(hours=6))
NOW = datetime.datetime(2026, 6, 15, 12, tzinfo=BISHKEK)
TODAY = NOW.date()


def run(django_capture_on_commit_callbacks, now=NOW) -> tuple[int, list[str]]:
    """How many reminders a run sends, and the SQL it asked."""
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        sent = remind_reports(now=now)
    return sent, [q["sql"] for q in queries.captured_queries]


def writes(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "SAVEPOINT"))]


def report(project, number: int, due: datetime.date, **fields) -> MonitoringReport:
    return MonitoringReport.objects.create(
        project=project,
        number=number,
        period_start=due - datetime.timedelta(days=40),
        period_end=due - datetime.timedelta(days=10),
        due_date=due,
        **fields,
    )


def _projects(municipality, count: int) -> list:
    """``count`` projects of organizations of two members, each with a report overdue since
    yesterday, one due tomorrow, one due in a week, and one submitted a week ago and not reviewed."""
    MunicipalityMembershipFactory(municipality=municipality, consultant=True)
    projects = []
    for _ in range(count):
        project = ProjectFactory(municipality=municipality)
        OrganizationMembershipFactory.create_batch(2, organization=project.organization)
        report(project, 1, TODAY - datetime.timedelta(days=1))
        report(project, 2, TODAY + datetime.timedelta(days=1))
        report(project, 3, TODAY + datetime.timedelta(days=7))
        report(
            project,
            4,
            TODAY - datetime.timedelta(days=8),
            state=MonitoringReport.State.SUBMITTED,
            submitted_at=NOW - datetime.timedelta(days=7, minutes=3, microseconds=654321),
        )
        projects.append(project)
    return projects


@pytest.mark.parametrize("count", [2, 6])
def test_a_second_run_tries_nothing_again_in_a_few_queries(
    count, municipality, django_capture_on_commit_callbacks, settings
):
    settings.SSP_REVIEW_WAIT_DAYS = 5
    _projects(municipality, count)
    sent, _sql = run(django_capture_on_commit_callbacks)
    # Three reports to each of two members, and the waiting one to the consultant.
    assert sent == 7 * count
    sent, sql = run(django_capture_on_commit_callbacks)
    assert sent == 0
    assert writes(sql) == []
    # The zones in use, the members still to remind, the reviewers still to remind.
    assert len(sql) == 3
    assert Reminder.objects.count() == 7 * count


def test_what_became_due_after_a_run_is_reminded_by_the_next(
    municipality, django_capture_on_commit_callbacks, settings
):
    settings.SSP_REVIEW_WAIT_DAYS = 5
    [project] = _projects(municipality, 1)
    assert run(django_capture_on_commit_callbacks)[0] == 7
    newcomer = OrganizationMembershipFactory(organization=project.organization).user
    report(project, 5, TODAY + datetime.timedelta(days=1))
    mail.outbox.clear()
    sent, sql = run(django_capture_on_commit_callbacks)
    # The new report to the three members; the three reports already due to the newcomer.
    assert sent == 3 + 3
    assert sum(m.to == [newcomer.email] for m in mail.outbox) == 4
    assert len([s for s in writes(sql) if "notifications_reminder" in s]) == 6
    # The day after their due date reports 2 and 5 are overdue: each reminded once more.
    assert run(django_capture_on_commit_callbacks, NOW + datetime.timedelta(days=1))[0] == 0
    assert run(django_capture_on_commit_callbacks, NOW + datetime.timedelta(days=2))[0] == 2 * 3


def test_an_overdue_report_is_reminded_within_the_week_after_it_became_overdue(
    municipality, django_capture_on_commit_callbacks
):
    project = ProjectFactory(municipality=municipality)
    member = OrganizationMembershipFactory(organization=project.organization).user
    report(project, 1, TODAY - datetime.timedelta(days=30))  # overdue for a month
    late = report(project, 2, TODAY - datetime.timedelta(days=6))  # the beat was stopped for a week
    returned = report(
        project, 3, TODAY - datetime.timedelta(days=30), state=MonitoringReport.State.REVISION_REQUESTED
    )
    ReportRound.objects.create(
        report=returned,
        number=1,
        submitted_at=NOW - datetime.timedelta(days=31),
        submitted_by=member,
        reviewed_at=NOW - datetime.timedelta(days=2),
        decision=ReportRound.Decision.REVISION_REQUESTED,
    )
    assert run(django_capture_on_commit_callbacks)[0] == 2
    keys = set(Reminder.objects.values_list("key", flat=True))
    assert keys == {
        f"report-due:report-{late.pk}:user-{member.pk}:overdue",
        f"report-due:report-{returned.pk}:user-{member.pk}:overdue",
    }
    # The report sent back met its date: its reminder asks for the revision and says no "overdue".
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"{project.contract_number}: a monitoring report is overdue",
        f"{project.contract_number}: a monitoring report waits for its revision",
    ]
    (revision,) = [m for m in mail.outbox if "revision" in m.subject]
    assert "sent back for a revision: correct it and submit it again" in revision.body
    assert "It is overdue" not in revision.body
