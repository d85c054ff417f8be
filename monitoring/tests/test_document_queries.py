"""The monitoring report and the project summary are read in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from monitoring.documents import report as report_kind
from monitoring.documents import summary as summary_kind
from monitoring.models import MonitoringReport, Project
from monitoring.services import projects as services
from monitoring.tests.contracted_project import fill

pytestmark = pytest.mark.django_db


def _queries(kind, subject) -> int:
    subject = type(subject).objects.get(pk=subject.pk)  # as the rendering task loads it
    with CaptureQueriesContext(connection) as queries:
        render_to_string(kind.template, kind.context(subject))
    return len(queries)


def _enlarge(contracted) -> None:
    """Monthly reports instead of quarterly ones, and six indicators instead of two."""
    project = contracted.project
    services.project_set_indicators(
        project=project,
        by=contracted.finance,
        indicators=[
            services.IndicatorData("People reached", "people", "count", Decimal("0"), Decimal("100")),
            services.IndicatorData("Satisfaction", "%", "percent", Decimal("50"), Decimal("80")),
            *(
                services.IndicatorData(f"Indicator {n}", "people", "count", Decimal("0"), Decimal("100"))
                for n in range(4)
            ),
        ],
    )
    services.project_set_tranches(
        project=project,
        by=contracted.finance,
        tranches=[services.TrancheData(project.start_date, Decimal("150000"))],
    )
    services.project_set_schedule(project=project, by=contracted.finance, every_months=1)


def test_the_summary_and_the_report_are_read_in_the_same_queries_at_two_sizes(contracted):
    small = (_queries(summary_kind, contracted.project), _queries(report_kind, contracted.reports[0]))
    _enlarge(contracted)
    assert contracted.project.reports.count() == 12
    first = MonitoringReport.objects.filter(project=contracted.project).order_by("number").first()
    fill(contracted, first)
    large = (
        _queries(summary_kind, Project.objects.get(pk=contracted.project.pk)),
        _queries(report_kind, first),
    )
    # The summary skips one query while no report has values to read: at most 12 at any size.
    assert small[1] == large[1] == 10
    assert small[0] in (11, 12) and large[0] in (11, 12)
