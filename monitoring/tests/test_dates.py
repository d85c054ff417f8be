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
from monitoring.tests.world import build, fill
from ssp_portal.tests.dates import date_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality, organization, nco_member, finance_staff):
    world = build(municipality, organization, finance_staff)
    first, second = world.reports[0], world.reports[1]
    fill(world, first)
    report_services.report_submit(report=first, by=world.member)
    report_services.report_review(
        report=first, by=world.consultant, accept=False, comments={"narrative": "Say where."}
    )
    fill(world, first, answers={"narrative": "In the school."})
    report_services.report_submit(report=first, by=world.member)
    report_services.report_review(report=first, by=world.consultant, accept=True, comments={})
    fill(world, second)
    report_services.report_submit(report=second, by=world.member)
    report_services.report_review(
        report=second, by=world.consultant, accept=False, comments={"indicators": "Count the people."}
    )
    services.tranche_mark_paid(
        tranche=world.project.tranches.get(number=1),
        by=finance_staff,
        paid_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    report_services.site_visit_record(
        project=world.project,
        by=world.consultant,
        data={
            "visited_on": datetime.date(2026, 3, 2),
            "visitors": "A. Consultant",
            "observed": "Classes.",
            "findings": "Fine.",
        },
        photos=[],
    )
    return world


def pages(world) -> list[tuple[str, object, str]]:
    """(what, who, address): the pages that show the project's dates."""
    first, second = world.reports[0], world.reports[1]
    return [
        ("the project", world.finance, world.project.get_absolute_url()),
        ("an accepted report with two rounds", world.consultant, first.get_absolute_url()),
        ("a report sent back, as its draft form", world.member, second.get_absolute_url()),
        ("the member's reports", world.member, reverse("monitoring:reports-due")),
        ("the member's home page", world.member, reverse("home")),
        ("the reviewer's work list", world.consultant, reverse("monitoring:queue")),
    ]


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_each_page_writes_its_dates_in_one_form(world, client_for, language):
    for what, who, url in pages(world):
        client = client_for(who)
        client.cookies["django_language"] = language
        who.language = language
        who.save(update_fields=["language"])
        response = client.get(url)
        assert response.status_code == 200, what
        forms = date_forms(response.content.decode())
        assert set(forms) == {"long"}, f"{what} ({language}): {forms}"


def test_the_review_history_and_the_timeline_write_a_time_alike(world, client_for):
    report = world.reports[0]
    submitted = timezone.localtime(report.rounds.get(number=1).submitted_at)
    page = client_for(world.consultant).get(report.get_absolute_url()).content.decode()
    written = f"{submitted.day} {submitted.strftime('%B')} {submitted.year}, {submitted.strftime('%H:%M')}"
    history = page[page.index('data-testid="rounds"') : page.index('id="timeline-heading"')]
    assert written in history
