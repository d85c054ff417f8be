"""The red flags: each rule raised and not raised, sealing, the pages that show them, and a fixed
number of queries whatever the number of competitions and projects."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.flags import competition_flags, municipality_flags, project_flags
from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport, PaymentTranche
from organizations.factories import OrganizationFactory
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import (
    Amendment,
    CommissionMember,
    ConflictDeclaration,
    ConflictedOrganization,
    CriterionScore,
    ScoreSheet,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def rules(flags) -> list[str]:
    return [flag.rule for flag in flags]


def completed(municipality, applicants: int = 2, **kwargs):
    competition = CompetitionFactory(municipality=municipality, completed=True, ready=True, **kwargs)
    for _ in range(applicants):
        ApplicationFactory(competition=competition, eligible=True)
    return competition


# Rule 1: a single applicant ---------------------------------------------------------------------


def test_a_closed_competition_with_one_application_is_flagged_with_its_figures(municipality):
    competition = completed(municipality, applicants=1)
    (flag,) = [f for f in competition_flags(competition) if f.rule == "single-applicant"]
    assert flag.title == "Only one organization applied"
    assert competition.reference in flag.explanation and "with one application" in flag.explanation
    assert flag.rule_text == "Raised when a competition closes with fewer than two applications."
    assert flag.url == competition.get_absolute_url()


def test_no_application_is_said_differently_and_two_raise_nothing(municipality):
    empty = completed(municipality, applicants=0)
    assert [f.title for f in competition_flags(empty) if f.rule == "single-applicant"] == [
        "No organization applied"
    ]
    assert "single-applicant" not in rules(competition_flags(completed(municipality, applicants=2)))


def test_before_the_deadline_nothing_is_said_of_the_applications(municipality):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    ApplicationFactory(competition=competition, submit=True)
    assert competition_flags(competition) == []
    assert competition_flags(competition, public=True) == []


# Rule 2: a short submission period -------------------------------------------------------------


def test_a_period_shorter_than_the_minimum_is_flagged(municipality):
    competition = completed(municipality)
    competition.published_at = competition.deadline - datetime.timedelta(days=10)
    competition.save()
    (flag,) = [f for f in competition_flags(competition) if f.rule == "short-period"]
    assert "10 days" in flag.explanation and "30 days" in flag.explanation


def test_a_period_first_too_short_then_extended_is_still_flagged(municipality):
    competition = completed(municipality)
    competition.published_at = competition.deadline - datetime.timedelta(days=40)
    competition.save()
    assert "short-period" not in rules(competition_flags(competition))
    Amendment.objects.create(
        competition=competition,
        number=1,
        explanation="Longer.",
        previous_deadline=competition.deadline - datetime.timedelta(days=20),
        new_deadline=competition.deadline,
        created_at=competition.deadline - datetime.timedelta(days=25),
    )
    (flag,) = [f for f in competition_flags(competition) if f.rule == "short-period"]
    assert "20 days" in flag.explanation and "40 days" in flag.explanation


# Rule 3: an amendment close to the deadline -----------------------------------------------------


def amend(competition, before: datetime.timedelta) -> Amendment:
    return Amendment.objects.create(
        competition=competition,
        number=competition.amendments.count() + 1,
        explanation="Changed.",
        previous_deadline=competition.deadline,
        new_deadline=competition.deadline,
        created_at=competition.deadline - before,
    )


def test_an_amendment_two_days_before_the_deadline_is_flagged_and_one_of_ten_is_not(municipality):
    competition = completed(municipality)
    amend(competition, datetime.timedelta(days=10))
    assert "late-amendment" not in rules(competition_flags(competition))
    amend(competition, datetime.timedelta(days=2))
    (flag,) = [f for f in competition_flags(competition) if f.rule == "late-amendment"]
    assert flag.explanation.startswith(f"Amendment 2 to {competition.reference}")
    assert "less than 3 days" in flag.rule_text


# Rule 4: an award despite a declared conflict ---------------------------------------------------


def declare(competition, organization) -> None:
    member = CommissionMember.objects.filter(competition=competition).first()
    declaration = ConflictDeclaration.objects.create(
        competition=competition,
        member=member,
        signed_by=member.user,
        has_conflict=True,
        statement="I declare.",
    )
    ConflictedOrganization.objects.create(
        declaration=declaration, organization=organization, reason="My sister"
    )


def test_an_award_to_a_declared_organization_is_flagged(municipality):
    competition = completed(municipality)
    award = AwardFactory(application=competition.applications.first(), amount=Decimal("150000"))
    other = OrganizationFactory(verified=True)
    declare(competition, other)
    assert "conflicted-award" not in rules(competition_flags(competition))
    ConflictedOrganization.objects.create(
        declaration=ConflictDeclaration.objects.get(competition=competition),
        organization=award.application.organization,
        reason="Board member",
    )
    (flag,) = [f for f in competition_flags(competition) if f.rule == "conflicted-award"]
    assert award.application.organization.name in flag.explanation and "KGS\u00a0150,000" in flag.explanation


# Rule 5: a spread of scores above the margin ----------------------------------------------------


def score(competition, application, totals: list[int]) -> None:
    """Each member scores every criterion ``total`` of 10 (a total of ``total`` × 10)."""
    criteria = list(competition.criteria.all())
    for member, value in zip(CommissionMember.objects.filter(competition=competition), totals, strict=False):
        sheet = ScoreSheet.objects.create(
            application=application, member=member, state=ScoreSheet.State.SUBMITTED, submitted_at=NOW
        )
        for criterion in criteria:
            CriterionScore.objects.create(sheet=sheet, criterion=criterion, score=Decimal(value))


def test_a_spread_above_the_margin_is_flagged_as_the_ranking_flags_it(municipality):
    competition = completed(municipality, score_spread_margin=Decimal("20"))
    near, far = competition.applications.order_by("pk")
    score(competition, near, [8, 7, 7])
    assert "score-spread" not in rules(competition_flags(competition))
    score(competition, far, [9, 5, 6])
    (flag,) = [f for f in competition_flags(competition) if f.rule == "score-spread"]
    assert far.organization.name in flag.explanation and "40.00" in flag.explanation


def test_scores_say_nothing_before_the_evaluation(municipality):
    competition = CompetitionFactory(municipality=municipality, closed=True, ready=True)
    applications = [ApplicationFactory(competition=competition, eligible=True) for _ in range(2)]
    score(competition, applications[0], [9, 1, 1])
    assert "score-spread" not in rules(competition_flags(competition))


# Rule 6: one organization wins most of the money ------------------------------------------------


def test_an_organization_with_most_of_the_money_over_two_competitions_is_flagged(municipality):
    winner, other = OrganizationFactory(verified=True), OrganizationFactory(verified=True)
    for organization, amount in ((winner, "300000"), (winner, "100000"), (other, "100000")):
        competition = completed(municipality, applicants=0)
        application = ApplicationFactory(competition=competition, organization=organization, eligible=True)
        AwardFactory(application=application, amount=Decimal(amount))
    (flag,) = [f for f in project_flags([municipality]) if f.rule == "dominant-winner"]
    assert winner.name in flag.explanation and "80" in flag.explanation
    assert flag.url == winner.get_absolute_url()


def test_a_single_competition_or_an_even_share_is_not_flagged(municipality):
    first, second = OrganizationFactory(verified=True), OrganizationFactory(verified=True)
    competition = completed(municipality, applicants=0)
    AwardFactory(application=ApplicationFactory(competition=competition, organization=first, eligible=True))
    assert "dominant-winner" not in rules(project_flags([municipality]))
    competition = completed(municipality, applicants=0)
    AwardFactory(application=ApplicationFactory(competition=competition, organization=second, eligible=True))
    assert "dominant-winner" not in rules(project_flags([municipality]))


# Rules 7 and 8: tranches and reports -------------------------------------------------------------


def report(project, *, due: datetime.date, accepted_at=None) -> MonitoringReport:
    return MonitoringReport.objects.create(
        project=project,
        number=project.reports.count() + 1,
        period_start=due - datetime.timedelta(days=90),
        period_end=due - datetime.timedelta(days=1),
        due_date=due,
        state=MonitoringReport.State.ACCEPTED if accepted_at else MonitoringReport.State.DRAFT,
        accepted_at=accepted_at,
    )


def tranche(project, condition, paid_on) -> PaymentTranche:
    return PaymentTranche.objects.create(
        project=project,
        number=project.tranches.count() + 1,
        planned_date=paid_on,
        amount=Decimal("50000"),
        condition_report=condition,
        paid_on=paid_on,
    )


def test_a_tranche_paid_before_its_report_was_accepted_is_flagged(municipality):
    project = ProjectFactory(award__application__competition__municipality=municipality)
    accepted = report(
        project,
        due=datetime.date(2026, 6, 30),
        accepted_at=timezone.make_aware(datetime.datetime(2026, 7, 10, 12)),
    )
    tranche(project, accepted, datetime.date(2026, 7, 10))
    assert "early-tranche" not in rules(project_flags([municipality]))
    tranche(project, accepted, datetime.date(2026, 7, 1))
    tranche(
        project,
        report(project, due=datetime.date.today() + datetime.timedelta(days=5)),
        datetime.date(2026, 7, 2),
    )
    flags = [f for f in project_flags([municipality]) if f.rule == "early-tranche"]
    assert [f.explanation.split(";")[0] for f in flags] == [
        f"Tranche 2 of {project.contract_number} was paid on 1 July 2026",
        f"Tranche 3 of {project.contract_number} was paid on 2 July 2026",
    ]
    assert "has not been accepted" in flags[1].explanation
    assert flags[0].url == project.get_absolute_url()


def test_a_report_overdue_by_more_than_thirty_days_is_flagged(municipality):
    project = ProjectFactory(award__application__competition__municipality=municipality)
    today = timezone.localdate()
    report(project, due=today - datetime.timedelta(days=20))
    assert "overdue-report" not in rules(project_flags([municipality]))
    report(project, due=today - datetime.timedelta(days=45))
    (flag,) = [f for f in project_flags([municipality]) if f.rule == "overdue-report"]
    assert "Report 2 of" in flag.explanation and "45 days late" in flag.explanation


# The pages --------------------------------------------------------------------------------------


def test_the_public_page_of_a_completed_competition_shows_its_single_applicant(municipality, client):
    competition = completed(municipality, applicants=1)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert 'data-rule="single-applicant"' in page and "Only one organization applied" in page


def test_the_public_page_shows_nothing_before_completion_and_the_staff_see_it(
    municipality, client, client_for, finance_staff
):
    competition = CompetitionFactory(municipality=municipality, evaluation=True, ready=True)
    ApplicationFactory(competition=competition, eligible=True)
    assert "red-flags" not in client.get(competition.get_absolute_url()).content.decode()
    page = client_for(finance_staff).get(competition.get_absolute_url()).content.decode()
    assert 'data-rule="single-applicant"' in page


def test_the_staff_see_nothing_before_the_deadline(municipality, client_for, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    competition.published_at = competition.deadline - datetime.timedelta(days=5)
    competition.save()
    assert "red-flags" not in client_for(finance_staff).get(competition.get_absolute_url()).content.decode()


def test_the_consultant_queue_shows_the_overdue_report(municipality, consultant, client_for):
    project = ProjectFactory(award__application__competition__municipality=municipality)
    report(project, due=timezone.localdate() - datetime.timedelta(days=45))
    page = client_for(consultant).get(reverse("monitoring:queue")).content.decode()
    assert 'data-rule="overdue-report"' in page


# Queries ----------------------------------------------------------------------------------------


def grow(municipality, n: int) -> None:
    """``n`` completed competitions each with one scored, awarded application and its project with
    an early tranche and an overdue report."""
    for _ in range(n):
        competition = completed(municipality, applicants=1)
        application = competition.applications.get()
        score(competition, application, [9, 5, 6])
        amend(competition, datetime.timedelta(days=1))
        project = ProjectFactory(award__application=application, award__competition=competition)
        late = report(project, due=timezone.localdate() - datetime.timedelta(days=45))
        tranche(project, late, datetime.date(2026, 7, 1))


def test_the_municipality_flags_make_the_same_queries_for_2_and_for_10(municipality):
    counts = []
    for n in (2, 8):  # 2, then 10 in all
        grow(municipality, n)
        with CaptureQueriesContext(connection) as captured:
            flags = municipality_flags(municipality)
        counts.append(len(captured))
        total = 2 if n == 2 else 10
        for rule in ("single-applicant", "late-amendment", "score-spread", "early-tranche", "overdue-report"):
            assert rules(flags).count(rule) == total, rule
    assert counts[0] == counts[1]
