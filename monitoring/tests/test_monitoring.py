"""Projects, tranches, reports, reviews and spending: the rules and the arithmetic."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monitoring.models import MonitoringReport, Project
from monitoring.services import projects as services
from monitoring.services import reports as report_services
from monitoring.services.projects import approved_lines, schedule_periods
from monitoring.services.reminders import remind_reports
from monitoring.spending import spend_for_report
from monitoring.tests.contracted_project import build, fill
from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
)
from organizations.models import MunicipalityMembership
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import BudgetLine

pytestmark = pytest.mark.django_db


def submit(contracted, report):
    return report_services.report_submit(report=report, by=contracted.member)


def save(contracted, report, *, by=None, **parts):
    """Save parts of a report's draft (narrative=…, values=…, spending=…, answers=…)."""
    return report_services.report_save_draft(
        report=report, by=by or contracted.member, draft=report_services.ReportDraft(**parts)
    )


def review(contracted, report, *, accept=True, comments=None):
    return report_services.report_review(
        report=report, by=contracted.consultant, accept=accept, comments=comments or {}
    )


# The agreement ------------------------------------------------------------------------------------


def test_approved_lines_are_scaled_to_the_award_and_add_up_exactly(finance_staff):
    application = ApplicationFactory(competition=CompetitionFactory(completed=True), submit=True)
    application.budget_lines.all().delete()
    for i, (quantity, cost) in enumerate([(3, "33333.33"), (1, "50000.01"), (7, "1000")]):
        BudgetLine.objects.create(
            application=application,
            position=i,
            category="staff",
            description=f"L{i}",
            unit="u",
            quantity=quantity,
            unit_cost=Decimal(cost),
        )
    # Requested 99,999.99 + 50,000.01 + 7,000 = 157,000; awarded 100,000 → ratio 100000/157000.
    award = AwardFactory(application=application, amount=Decimal("100000"))
    amounts = [amount for _line, amount in approved_lines(award)]
    assert sum(amounts) == Decimal("100000.00")
    # 99,999.99 × 100/157 = 63,694.26…; 50,000.01 × 100/157 = 31,847.14…; 7,000 × 100/157 = 4,458.59…
    # rounded down: 63,694.26 + 31,847.14 + 4,458.59 = 99,999.99; the tyiyn left goes to the largest line.
    assert amounts == [Decimal("63694.27"), Decimal("31847.14"), Decimal("4458.59")]


def test_reporting_periods_every_three_months_and_by_dates():
    start, end = datetime.date(2026, 1, 31), datetime.date(2026, 12, 15)
    assert schedule_periods(start=start, end=end, every_months=3) == [
        (datetime.date(2026, 1, 31), datetime.date(2026, 4, 29)),
        (datetime.date(2026, 4, 30), datetime.date(2026, 7, 29)),
        (datetime.date(2026, 7, 30), datetime.date(2026, 10, 29)),
        (datetime.date(2026, 10, 30), datetime.date(2026, 12, 15)),
    ]
    assert schedule_periods(start=start, end=end, period_ends=[datetime.date(2026, 6, 30)]) == [
        (datetime.date(2026, 1, 31), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 12, 15)),
    ]


def test_the_schedule_makes_interim_reports_and_a_final_one(contracted):
    kinds = [(r.number, r.kind, r.period_start, r.period_end, r.due_date) for r in contracted.reports]
    assert kinds[0] == (
        1,
        "interim",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 10),
    )
    assert kinds[-1] == (
        4,
        "final",
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 10),
    )


def test_report_periods_outside_the_project_are_refused(contracted):
    with pytest.raises(ValidationError, match="outside the project"):
        services.project_set_schedule(
            project=contracted.project, by=contracted.finance, period_ends=[datetime.date(2027, 3, 31)]
        )


# Tranches -------------------------------------------------------------------------------------------


def test_tranches_must_add_up_to_the_awarded_amount(contracted):
    with pytest.raises(ValidationError) as info:
        services.project_set_tranches(
            project=contracted.project,
            by=contracted.finance,
            tranches=[services.TrancheData(datetime.date(2026, 1, 1), Decimal("100000"))],
        )
    assert info.value.messages == [
        "The tranches add up to KGS\u00a0100,000; change them so that they add up to the awarded amount, "
        "KGS\u00a0150,000."
    ]
    assert contracted.project.tranches.count() == 2


def test_a_tranche_waits_for_its_report(contracted):
    conditional = contracted.project.tranches.get(number=2)
    with pytest.raises(ValidationError, match="not accepted yet"):
        services.tranche_mark_paid(tranche=conditional, by=contracted.finance, paid_on=timezone.localdate())
    report = contracted.reports[0]
    fill(contracted, report)
    submit(contracted, report)
    with pytest.raises(ValidationError, match="not accepted yet"):
        services.tranche_mark_paid(tranche=conditional, by=contracted.finance, paid_on=timezone.localdate())
    review(contracted, report)
    paid = services.tranche_mark_paid(
        tranche=conditional, by=contracted.finance, paid_on=timezone.localdate()
    )
    assert paid.is_paid
    with pytest.raises(ValidationError, match="already paid"):
        services.tranche_mark_paid(tranche=conditional, by=contracted.finance, paid_on=timezone.localdate())


def test_only_finance_staff_pay(contracted, consultant):
    tranche = contracted.project.tranches.get(number=1)
    for user in (contracted.member, contracted.consultant):
        with pytest.raises(PermissionDenied):
            services.tranche_mark_paid(tranche=tranche, by=user, paid_on=timezone.localdate())


# Reports and reviews ----------------------------------------------------------------------------------


def test_a_report_is_submitted_only_when_complete(contracted):
    with pytest.raises(ValidationError) as info:
        submit(contracted, contracted.reports[0])
    assert "Describe the activities carried out." in info.value.messages
    assert "Give the value of the indicator “People reached”." in info.value.messages
    assert "Enter the spending of the period (0 where nothing was spent)." in info.value.messages
    assert "Give the value of the indicator “Satisfaction”." in info.value.messages


def test_review_rounds_are_kept(contracted, django_capture_on_commit_callbacks):
    report = contracted.reports[0]
    fill(contracted, report, people="25")
    submit(contracted, report)
    with pytest.raises(ValidationError, match="comment at least one section"):
        review(contracted, report, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        review(
            contracted,
            report,
            accept=False,
            comments={"indicators": "People reached looks low: check the register."},
        )
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.REVISION_REQUESTED
    assert "check the register" in mail.outbox[-1].body
    fill(contracted, report, people="31", answers={"indicators": "Recounted from the register: 31."})
    submit(contracted, report)
    review(contracted, report, accept=True)
    rounds = list(report.rounds.order_by("number").values_list("number", "decision", "snapshot"))
    assert [(n, d) for n, d, _s in rounds] == [(1, "revision_requested"), (2, "accepted")]
    assert rounds[0][2]["indicators"]["People reached"] == "25.00"
    assert rounds[1][2]["indicators"]["People reached"] == "31.00"
    assert report.rounds.get(number=1).comments == {
        "indicators": "People reached looks low: check the register."
    }
    assert report.rounds.get(number=1).answers == {"indicators": "Recounted from the register: 31."}


def test_an_accepted_report_never_changes(contracted):
    report = contracted.reports[0]
    fill(contracted, report)
    submit(contracted, report)
    review(contracted, report)
    with pytest.raises(ValidationError, match="submitted"):
        save(contracted, report, narrative={"activities": "x"})
    with pytest.raises(ValidationError, match="Only a submitted report"):
        review(contracted, report, accept=False, comments={"narrative": "x"})


def test_only_the_projects_members_write_and_the_municipalitys_reviewers_review(
    contracted, other_member, other_staff, consultant
):
    report = contracted.reports[0]
    for outsider in (other_member, contracted.finance, contracted.consultant):
        with pytest.raises(PermissionDenied):
            save(contracted, report, by=outsider, narrative={"activities": "x"})
    fill(contracted, report)
    submit(contracted, report)
    for outsider in (other_member, other_staff, contracted.member):
        with pytest.raises(PermissionDenied):
            report_services.report_review(report=report, by=outsider, accept=True, comments={})
    report_services.report_review(report=report, by=contracted.finance, accept=True, comments={})


@pytest.mark.parametrize(
    ("people", "satisfaction", "message"),
    [
        ("12.5", "60", "counted in whole numbers"),
        ("many", "60", "enter a number"),
        ("-3", "60", "0 or more"),
        ("12", "101", "at most 100"),
    ],
)
def test_indicator_values_of_the_wrong_type_are_refused(contracted, people, satisfaction, message):
    indicators = list(contracted.project.indicators.all())
    with pytest.raises(ValidationError, match=message):
        save(
            contracted,
            contracted.reports[0],
            values={indicators[0].pk: people, indicators[1].pk: satisfaction},
        )
    assert not contracted.reports[0].indicator_values.exists()


# Spending ----------------------------------------------------------------------------------------------


def test_cumulative_spending_worked_by_hand(contracted):
    first, second, third = contracted.reports[:3]
    fill(contracted, first, staff="20000", supplies="10000")
    submit(contracted, first)
    review(contracted, first)
    fill(contracted, second, staff="30000", supplies="25000.50")
    submit(contracted, second)
    rows = {row.line.description: row for row in spend_for_report(third)}
    # Staff: 20,000 + 30,000 = 50,000 before the third report, of 100,000 approved.
    assert rows["Staff"].before == Decimal("50000")
    assert rows["Staff"].remaining == Decimal("50000")
    # Supplies: 10,000 + 25,000.50 = 35,000.50 of 50,000.
    assert rows["Supplies"].before == Decimal("35000.50")
    fill(contracted, third, staff="45000", supplies="14999.50")
    rows = {row.line.description: row for row in spend_for_report(third)}
    assert rows["Staff"].cumulative == Decimal("95000")
    assert rows["Supplies"].cumulative == Decimal("50000.00")
    assert rows["Supplies"].remaining == Decimal("0")
    assert not rows["Supplies"].overspent  # exactly the approved amount is not over


def test_going_over_a_line_needs_an_explanation_and_is_flagged(contracted):
    first, second = contracted.reports[:2]
    fill(contracted, first, supplies="45000")
    submit(contracted, first)
    with pytest.raises(ValidationError) as info:
        fill(contracted, second, supplies="5000.01")
    assert info.value.messages == [
        "Supplies: spending reaches KGS\u00a050,000.01 of KGS\u00a050,000 approved; explain why."
    ]
    assert not second.expenditures.exists()
    fill(contracted, second, supplies="5000.01", explanations={"supplies": "Prices rose in autumn."})
    expenditure = second.expenditures.get(budget_line__description="Supplies")
    assert expenditure.overspent
    assert expenditure.explanation == "Prices rose in autumn."


def test_only_spending_that_goes_over_needs_an_explanation(contracted):
    """A line already over its approved amount needs no new explanation for a period that adds
    nothing to it (the overspend was explained where it happened); any more spending on it does."""
    first, second = contracted.reports[:2]
    fill(contracted, first, supplies="60000", explanations={"supplies": "Prices rose in autumn."})
    submit(contracted, first)
    fill(contracted, second, staff="0", supplies="0")
    assert dict(second.expenditures.values_list("budget_line__description", "amount")) == {
        "Staff": Decimal("0"),
        "Supplies": Decimal("0"),
    }
    with pytest.raises(ValidationError) as info:
        fill(contracted, second, staff="0", supplies="100")
    assert info.value.messages == [
        "Supplies: spending reaches KGS\u00a060,100 of KGS\u00a050,000 approved; explain why."
    ]
    assert second.expenditures.get(budget_line__description="Supplies").amount == Decimal("0")
    # A line within its approved amount never asks, whatever earlier lines did.
    fill(contracted, second, staff="80000", supplies="0")
    assert second.expenditures.get(budget_line__description="Staff").amount == Decimal("80000")


def test_negative_spending_is_refused(contracted):
    line = contracted.project.budget_lines.first()
    with pytest.raises(ValidationError, match="negative"):
        save(contracted, contracted.reports[0], spending={line.pk: report_services.Spending(Decimal("-1"))})
    assert not contracted.reports[0].expenditures.exists()


# Overdue -------------------------------------------------------------------------------------------------


def test_overdue_is_counted_in_bishkek_time(contracted):
    report = contracted.reports[0]  # due 2026-04-10
    # 23:30 on 10 April in Bishkek is 17:30 UTC: still the due day.
    last_minute = datetime.datetime(2026, 4, 10, 17, 30, tzinfo=datetime.UTC)
    # 00:30 on 11 April in Bishkek is 18:30 UTC on 10 April: overdue, though UTC still says the 10th.
    just_after = datetime.datetime(2026, 4, 10, 18, 30, tzinfo=datetime.UTC)
    assert report.is_overdue_at(last_minute) is False
    assert report.is_overdue_at(just_after) is True
    assert list(MonitoringReport.objects.overdue(last_minute)) == []
    assert list(MonitoringReport.objects.overdue(just_after)) == [report]
    fill(contracted, report)
    submit(contracted, report)
    report.refresh_from_db()
    assert report.is_overdue_at(just_after) is False  # submitted reports are not overdue


def test_overdue_is_counted_in_each_municipalitys_own_zone(contracted, finance_staff):
    western = MunicipalityFactory(name="Western", code="WST", time_zone="Asia/Tashkent")  # UTC+5
    staff = MunicipalityMembershipFactory(municipality=western).user
    other = build(western, OrganizationFactory(verified=True), staff)
    bishkek, tashkent = contracted.reports[0], other.reports[0]  # both due 10 April
    # 18:30 UTC on 10 April: already the 11th in Bishkek (00:30), still the 10th in Tashkent (23:30).
    evening = datetime.datetime(2026, 4, 10, 18, 30, tzinfo=datetime.UTC)
    assert bishkek.is_overdue_at(evening) and not tashkent.is_overdue_at(evening)
    assert list(MonitoringReport.objects.overdue(evening)) == [bishkek]
    # 19:30 UTC: midnight has passed in Tashkent too.
    later = datetime.datetime(2026, 4, 10, 19, 30, tzinfo=datetime.UTC)
    assert set(MonitoringReport.objects.overdue(later)) == {bishkek, tashkent}


def test_a_report_sent_back_for_revision_is_not_overdue_a_draft_is(contracted):
    """Overdue is past the due date and never submitted: a report submitted in time and sent back
    met its date, whatever the date of its revision."""
    report, draft = contracted.reports[0], contracted.reports[1]
    fill(contracted, report)
    submit(contracted, report)
    review(contracted, report, accept=False, comments={"narrative": "More detail."})
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.REVISION_REQUESTED
    long_after = datetime.datetime(2027, 5, 1, tzinfo=datetime.UTC)
    assert report.due_date < long_after.date() and draft.due_date < long_after.date()
    assert not report.is_overdue_at(long_after)
    assert draft.is_overdue_at(long_after)
    assert list(MonitoringReport.objects.filter(pk__in=[report.pk, draft.pk]).overdue(long_after)) == [draft]


# The project's state --------------------------------------------------------------------------------------


def test_project_states(contracted):
    with pytest.raises(ValidationError, match="Say why"):
        services.project_change_state(project=contracted.project, by=contracted.finance, state="suspended")
    services.project_change_state(
        project=contracted.project, by=contracted.finance, state="suspended", reason="Audit pending"
    )
    assert Project.objects.get(pk=contracted.project.pk).state == "suspended"
    with pytest.raises(ValidationError, match="not active"):
        save(contracted, contracted.reports[0], narrative={"activities": "x"})
    services.project_change_state(project=contracted.project, by=contracted.finance, state="active")
    with pytest.raises(ValidationError, match="every report is accepted"):
        services.project_change_state(project=contracted.project, by=contracted.finance, state="completed")
    services.project_change_state(
        project=contracted.project, by=contracted.finance, state="terminated", reason="Closed"
    )
    with pytest.raises(ValidationError, match="cannot become"):
        services.project_change_state(project=contracted.project, by=contracted.finance, state="active")


# Reminders ------------------------------------------------------------------------------------------


def test_due_and_overdue_reminders_and_review_reminders_are_each_sent_once(
    contracted, django_capture_on_commit_callbacks, settings
):
    settings.SSP_REVIEW_WAIT_DAYS = 5
    report = contracted.reports[0]  # due 2026-04-10, Bishkek

    def run(moment: datetime.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_reports(now=moment)

    bishkek = datetime.timezone(datetime.timedelta(hours=6))
    assert run(datetime.datetime(2026, 4, 2, 12, tzinfo=bishkek)) == 0  # 8 days before
    assert run(datetime.datetime(2026, 4, 3, 12, tzinfo=bishkek)) == 1  # 7 days before
    assert run(datetime.datetime(2026, 4, 3, 13, tzinfo=bishkek)) == 0  # the beat runs again
    assert run(datetime.datetime(2026, 4, 9, 12, tzinfo=bishkek)) == 1  # 1 day before
    assert run(datetime.datetime(2026, 4, 9, 18, tzinfo=bishkek)) == 0
    assert run(datetime.datetime(2026, 4, 11, 0, 30, tzinfo=bishkek)) == 1  # overdue
    assert run(datetime.datetime(2026, 4, 12, 0, 30, tzinfo=bishkek)) == 0
    subjects = [m.subject for m in mail.outbox]
    assert sum("is due on 10 April 2026" in s for s in subjects) == 2
    assert sum("is overdue" in s for s in subjects) == 1

    fill(contracted, report)
    report_services.report_submit(
        report=report, by=contracted.member, at=datetime.datetime(2026, 4, 12, 9, tzinfo=bishkek)
    )
    assert run(datetime.datetime(2026, 4, 16, 9, tzinfo=bishkek)) == 0  # 4 days waiting
    assert run(datetime.datetime(2026, 4, 17, 10, tzinfo=bishkek)) == 1  # 5 days: the consultant
    assert run(datetime.datetime(2026, 4, 18, 10, tzinfo=bishkek)) == 0
    assert mail.outbox[-1].to == [contracted.consultant.email]


def test_without_a_consultant_the_finance_staff_are_reminded_of_a_waiting_report(
    contracted, django_capture_on_commit_callbacks, settings
):
    settings.SSP_REVIEW_WAIT_DAYS = 5
    MunicipalityMembership.objects.filter(role=MunicipalityMembership.Role.CONSULTANT).delete()
    fill(contracted, contracted.reports[0])
    submitted = datetime.datetime(2026, 4, 12, 9, tzinfo=datetime.UTC)
    report_services.report_submit(report=contracted.reports[0], by=contracted.member, at=submitted)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reports(now=submitted + datetime.timedelta(days=6)) == 1
    assert mail.outbox[-1].to == [contracted.finance.email]
