"""One form for dates on each monitoring page, in every language: the long one (``j E Y``, and
``j E Y, H:i`` for times: "1 April 2026", "1 апреля 2026, 14:30"), never beside a short one
("01.04.2026", "1 Apr 2026") or one for machines ("2026-04-01")."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.services import projects as services
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from ssp_portal.tests.dates import date_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(contracted, finance_staff):
    """Report 1 accepted after a revision, report 2 sent back, tranche 1 paid, a site visit."""
    first, second = contracted.reports[0], contracted.reports[1]
    fill(contracted, first)
    report_services.report_submit(report=first, by=contracted.member)
    report_services.report_review(
        report=first, by=contracted.consultant, accept=False, comments={"narrative": "Say where."}
    )
    fill(contracted, first, answers={"narrative": "In the school."})
    report_services.report_submit(report=first, by=contracted.member)
    report_services.report_review(report=first, by=contracted.consultant, accept=True, comments={})
    fill(contracted, second)
    report_services.report_submit(report=second, by=contracted.member)
    report_services.report_review(
        report=second, by=contracted.consultant, accept=False, comments={"indicators": "Count the people."}
    )
    services.tranche_mark_paid(
        tranche=contracted.project.tranches.get(number=1),
        by=finance_staff,
        paid_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    report_services.site_visit_record(
        project=contracted.project,
        by=contracted.consultant,
        data={
            "visited_on": datetime.date(2026, 3, 2),
            "visitors": "A. Consultant",
            "observed": "Classes.",
            "findings": "Fine.",
        },
        photos=[],
    )
    return contracted


def pages(reviewed) -> list[tuple[str, object, str]]:
    """(what, who, address): the pages that show the project's dates."""
    first, second = reviewed.reports[0], reviewed.reports[1]
    return [
        ("the project", reviewed.finance, reviewed.project.get_absolute_url()),
        ("an accepted report with two rounds", reviewed.consultant, first.get_absolute_url()),
        ("a report sent back, as its draft form", reviewed.member, second.get_absolute_url()),
        ("the member's reports", reviewed.member, reverse("monitoring:reports-due")),
        ("the member's home page", reviewed.member, reverse("home")),
        ("the reviewer's work list", reviewed.consultant, reverse("monitoring:queue")),
    ]


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_each_page_writes_its_dates_in_one_form(reviewed, client_for, language):
    for what, who, url in pages(reviewed):
        client = client_for(who)
        client.cookies["django_language"] = language
        who.language = language
        who.save(update_fields=["language"])
        response = client.get(url)
        assert response.status_code == 200, what
        forms = date_forms(response.content.decode())
        assert set(forms) == {"long"}, f"{what} ({language}): {forms}"


def test_the_review_history_and_the_timeline_write_a_time_alike(reviewed, client_for):
    report = reviewed.reports[0]
    submitted = timezone.localtime(report.rounds.get(number=1).submitted_at)
    page = client_for(reviewed.consultant).get(report.get_absolute_url()).content.decode()
    written = f"{submitted.day} {submitted.strftime('%B')} {submitted.year}, {submitted.strftime('%H:%M')}"
    history = page[page.index('data-testid="rounds"') : page.index('id="timeline-heading"')]
    assert written in history
