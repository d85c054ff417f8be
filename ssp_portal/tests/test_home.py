"""The home page shows each role's work: the commission's steps, an organization's reports and
applications, the reviews waiting in a municipality; a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import selectors as monitoring_selectors
from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport
from organizations.factories import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from organizations.models import User
from procurement import selectors as procurement_selectors
from procurement.factories import (
    ApplicationFactory,
    AwardFactory,
    CommissionMemberFactory,
    CompetitionFactory,
    RequiredDocumentFactory,
    mark_submitted,
)
from procurement.models import Application, Competition, ScoreSheet
from procurement.tests.competition_in_evaluation import build, score, sign

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def steps(page: str) -> dict[str, str]:
    """Each competition of the commission panel, by reference: the step it shows."""
    found = re.findall(r'data-step="([a-z]+)" data-reference="([^"]+)"', page)
    return {reference: step for step, reference in found}


# The commission -------------------------------------------------------------------------------


def test_a_commission_member_sees_what_is_left_in_each_competition(municipality, client_for):
    evaluation = build(municipality)
    a, b, _c = evaluation.applications
    sign(evaluation, evaluation.member1)
    score(evaluation, evaluation.member1, a, (8, 4))
    score(evaluation, evaluation.member1, b, (7, None), submit=False)
    accepting = CompetitionFactory(municipality=municipality, published=True)
    CommissionMemberFactory(competition=accepting, user=evaluation.member1)
    to_declare = CompetitionFactory(municipality=municipality, closed=True)
    CommissionMemberFactory(competition=to_declare, user=evaluation.member1)
    preparing = CompetitionFactory(municipality=municipality)
    CommissionMemberFactory(competition=preparing, user=evaluation.member1)
    completed = CompetitionFactory(municipality=municipality, completed=True)
    CommissionMemberFactory(competition=completed, user=evaluation.member1)

    page = home(client_for(evaluation.member1))

    assert 'data-testid="no-role-home"' not in page
    assert "Does your organization want to apply?" not in page
    assert 'data-testid="open-competitions"' not in page
    # The navigation still leads to the commission's page.
    assert f'href="{reverse("procurement:commission-home")}">Commission</a>' in page
    assert steps(page) == {
        evaluation.competition.reference: "score",
        to_declare.reference: "declare",
        accepting.reference: "accepting",
        preparing.reference: "preparing",
        completed.reference: "results",
    }
    # A, B, C are eligible: A is submitted, B saved as a draft, C not started.
    assert "2 applications are left for you to score." in page
    assert "1 of your sheets is saved as a draft: submit it when it is ready." in page
    assert reverse("procurement:evaluation", args=[evaluation.competition.reference]) in page
    assert reverse("procurement:declaration", args=[to_declare.reference]) in page
    assert reverse("procurement:ranking", args=[completed.reference]) in page
    # What asks for work comes first; a draft competition has no link (its page is the staff's).
    assert list(steps(page))[:2] == [to_declare.reference, evaluation.competition.reference]
    assert preparing.get_absolute_url() not in page
    deadline = timezone.localtime(accepting.deadline, accepting.zone)
    assert f"Proposals are accepted until {deadline:%-d %B %Y, %H:%M}." in page


def test_a_member_with_a_conflict_scores_only_the_others_then_waits_for_the_commission(
    municipality, client_for
):
    evaluation = build(municipality)
    a, b, c = evaluation.applications
    sign(evaluation, evaluation.member2, [(a.organization, "My sister leads it.")])
    score(evaluation, evaluation.member2, b, (5, 2))
    client = client_for(evaluation.member2)
    assert "1 application is left for you to score." in home(client)

    score(evaluation, evaluation.member2, c, (6, 3))
    page = home(client)
    assert steps(page)[evaluation.competition.reference] == "waiting"
    assert "You have submitted all 2 of your sheets." in page
    assert "Waiting for the other members: 1 of 3 have finished." in page

    for member in (evaluation.chair, evaluation.member1):
        sign(evaluation, member)
        for application in evaluation.applications:
            score(evaluation, member, application, (7, 3))
    page = home(client)
    assert steps(page)[evaluation.competition.reference] == "decision"
    assert "The finance department decides the awards and publishes the results." in page


def test_a_member_who_declared_waits_for_the_screening_of_a_closed_competition(municipality, client_for):
    evaluation = build(municipality)
    Competition.objects.filter(pk=evaluation.competition.pk).update(state=Competition.State.CLOSED)
    sign(evaluation, evaluation.chair)
    assert steps(home(client_for(evaluation.chair))) == {evaluation.competition.reference: "screening"}


def test_the_commission_page_lists_the_same_steps(municipality, client_for):
    evaluation = build(municipality)
    page = client_for(evaluation.chair).get(reverse("procurement:commission-home")).content.decode()
    assert steps(page) == {evaluation.competition.reference: "declare"}
    assert reverse("procurement:declaration", args=[evaluation.competition.reference]) in page


def test_the_commission_panel_takes_the_same_queries_for_one_competition_or_many(municipality, client_for):
    evaluation = build(municipality)
    sign(evaluation, evaluation.member1)
    score(evaluation, evaluation.member1, evaluation.applications[0], (8, 4))
    client = client_for(evaluation.member1)
    queries(client)
    one = queries(client)
    for _ in range(4):
        more = build(municipality)
        CommissionMemberFactory(competition=more.competition, user=evaluation.member1)
        sign(more, evaluation.member1, [(more.applications[0].organization, "Related.")])
        score(more, evaluation.member1, more.applications[1], (5, 2))
        score(more, evaluation.member1, more.applications[2], (5, None), submit=False)
    assert len(steps(home(client))) == 5
    assert queries(client) == one


def test_commission_work_counts_sheets_of_scored_applications_only(municipality):
    evaluation = build(municipality)
    sign(evaluation, evaluation.chair)
    score(evaluation, evaluation.chair, evaluation.applications[0], (8, 4))
    # Screened out after a sheet was saved: it no longer counts on either side.
    Application.objects.filter(pk=evaluation.applications[0].pk).update(state=Application.State.INELIGIBLE)
    (work,) = procurement_selectors.commission_work(user=evaluation.chair)
    assert (work.scorable, work.submitted, work.to_score) == (2, 0, 2)
    assert ScoreSheet.objects.filter(member__user=evaluation.chair).count() == 1


# Organizations ----------------------------------------------------------------------------------


def _project(organization, municipality):
    application = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, completed=True),
        organization=organization,
        submit=True,
    )
    return ProjectFactory(award__application=application)


def _report(project, number, due_date, state=MonitoringReport.State.DRAFT) -> MonitoringReport:
    return MonitoringReport.objects.create(
        project=project,
        number=number,
        period_start=due_date - datetime.timedelta(days=100),
        period_end=due_date - datetime.timedelta(days=10),
        due_date=due_date,
        state=state,
    )


def test_an_organization_member_sees_reports_due_and_overdue_with_links(
    organization, nco_member, municipality, client_for
):
    project = _project(organization, municipality)
    today = timezone.localdate()
    overdue = _report(project, 1, today - datetime.timedelta(days=3))
    revision = _report(
        project, 2, today + datetime.timedelta(days=90), MonitoringReport.State.REVISION_REQUESTED
    )
    soon = _report(project, 3, today + datetime.timedelta(days=5))
    _report(project, 4, today + datetime.timedelta(days=60))
    _report(project, 5, today - datetime.timedelta(days=30), MonitoringReport.State.ACCEPTED)
    _report(project, 6, today - datetime.timedelta(days=20), MonitoringReport.State.SUBMITTED)

    page = home(client_for(nco_member))
    listed = re.findall(r'href="(/reports/\d+/)" data-testid="due-report"', page)
    assert listed == [overdue.get_absolute_url(), soon.get_absolute_url(), revision.get_absolute_url()]
    assert "3 days late" in page
    assert "in 5 days" in page
    assert f"due {soon.due_date:%-d %B %Y}" in page
    assert "1 more report is due later." in page
    assert reverse("monitoring:reports-due") in page


def test_a_report_is_late_by_the_municipalitys_date_not_the_servers(organization, nco_member, municipality):
    project = _project(organization, municipality)
    report = _report(project, 1, datetime.date(2026, 3, 10))
    # 20:00 UTC on the due date is already the next day in Bishkek (UTC+6).
    evening = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=datetime.UTC)
    (due,) = monitoring_selectors.member_reports(user=nco_member, now=evening).soon
    assert (due.report, due.overdue, due.days_late) == (report, True, 1)
    morning = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
    (due,) = monitoring_selectors.member_reports(user=nco_member, now=morning).soon
    assert (due.overdue, due.days_left) == (False, 0)


def test_an_organization_member_sees_drafts_with_the_deadline_and_submissions_awaiting_results(
    organization, nco_member, municipality, client_for
):
    open_competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=open_competition, name="Charter")
    draft = ApplicationFactory(competition=open_competition, organization=organization)
    waiting = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, published=True),
        organization=organization,
        submit=True,
    )
    screened = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, evaluation=True),
        organization=organization,
        eligible=True,
    )
    late_draft = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, past_deadline=True),
        organization=organization,
    )
    awarded = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, completed=True),
        organization=organization,
        submit=True,
    )
    AwardFactory(application=awarded)

    page = home(client_for(nco_member))
    drafts = re.findall(r'href="(/applications/\d+/)" data-testid="draft-application"', page)
    waiting_rows = re.findall(r'href="(/applications/\d+/)" data-testid="waiting-application"', page)
    assert drafts == [draft.get_absolute_url()]
    assert waiting_rows == [screened.get_absolute_url(), waiting.get_absolute_url()]  # by deadline
    assert late_draft.get_absolute_url() not in page
    assert awarded.get_absolute_url() not in page
    # Eight sections and one document are missing from the empty draft.
    missing = len(procurement_selectors.member_applications_in_progress(user=nco_member).drafts[0].missing)
    assert missing >= 9
    assert f"{missing} things are left before you can submit." in page
    deadline = timezone.localtime(open_competition.deadline, open_competition.zone)
    assert f"Deadline: {deadline:%-d %B %Y, %H:%M}" in page
    assert "Submitted. You may withdraw it and submit a new version until the deadline." in page
    assert "Eligible: the commission scores it." in page
    assert waiting.receipt_number in page


def test_the_organization_panels_take_the_same_queries_for_one_report_or_many(
    organization, nco_member, municipality, client_for
):
    project = _project(organization, municipality)
    today = timezone.localdate()
    _report(project, 1, today - datetime.timedelta(days=3))
    ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, published=True), organization=organization
    )
    client = client_for(nco_member)
    queries(client)
    one = queries(client)
    for number in range(2, 12):
        _report(project, number, today + datetime.timedelta(days=number * 10))
    for _ in range(6):
        competition = CompetitionFactory(municipality=municipality, published=True)
        RequiredDocumentFactory(competition=competition)
        ApplicationFactory(competition=competition, organization=organization)
        ApplicationFactory(
            competition=CompetitionFactory(municipality=municipality, published=True),
            organization=organization,
            submit=True,
        )
    OrganizationMembershipFactory(user=nco_member)
    page = home(client)
    assert len(re.findall('data-testid="due-report"', page)) == 3
    # The five nearest deadlines of seven drafts; the other two and the six submissions are counted.
    assert len(re.findall('data-testid="draft-application"', page)) == 5
    assert len(re.findall('data-testid="waiting-application"', page)) == 5
    assert "3 more applications are in progress: see all your applications." in page
    assert queries(client) == one


# Several roles, and none ---------------------------------------------------------------------


def test_finance_staff_on_a_commission_see_both_panels(finance_staff, municipality, client_for):
    competition = CompetitionFactory(municipality=municipality, closed=True)
    CommissionMemberFactory(competition=competition, user=finance_staff, role="chair")
    page = home(client_for(finance_staff))
    assert 'data-testid="staff-home"' in page
    assert steps(page) == {competition.reference: "declare"}
    assert 'data-testid="no-role-home"' not in page
    assert 'data-testid="open-competitions"' not in page


def test_a_consultant_sees_reports_waiting_for_review_and_overdue(
    consultant, municipality, organization, other_municipality, client_for
):
    project = _project(organization, municipality)
    today = timezone.localdate()
    _report(project, 1, today - datetime.timedelta(days=40), MonitoringReport.State.SUBMITTED)
    _report(project, 2, today - datetime.timedelta(days=2))
    _report(project, 3, today - datetime.timedelta(days=1), MonitoringReport.State.REVISION_REQUESTED)
    elsewhere = _project(OrganizationFactory(verified=True), other_municipality)
    _report(elsewhere, 1, today - datetime.timedelta(days=5))
    page = home(client_for(consultant))
    assert 'data-testid="consultant-home"' in page
    assert "1 monitoring report waits for a review" in page
    # The draft past its date is overdue; the report sent back for a revision met its date.
    assert "1 report overdue" in page
    assert f"?municipality={municipality.slug}&amp;show=overdue" in page
    assert 'data-testid="no-role-home"' not in page


def test_a_member_of_an_organization_on_a_commission_sees_both(nco_member, municipality, client_for):
    competition = CompetitionFactory(municipality=municipality, published=True)
    CommissionMemberFactory(competition=competition, user=nco_member)
    page = home(client_for(nco_member))
    assert 'data-testid="nco-home"' in page
    assert steps(page) == {competition.reference: "accepting"}


def test_a_person_without_a_role_is_still_invited_to_register(no_role, client_for):
    page = home(client_for(no_role))
    assert 'data-testid="no-role-home"' in page
    assert 'data-testid="open-competitions"' in page
    assert 'data-testid="commission-home"' not in page
    assert f'href="{reverse("procurement:commission-home")}"' not in page


def test_the_staff_panel_counts_reports_to_review_without_growing(finance_staff, municipality, client_for):
    client = client_for(finance_staff)
    project = _project(OrganizationFactory(verified=True), municipality)
    _report(project, 1, timezone.localdate(), MonitoringReport.State.SUBMITTED)
    queries(client)
    one = queries(client)
    for number in range(2, 8):
        _report(project, number, timezone.localdate() - datetime.timedelta(days=number))
        CompetitionFactory(municipality=municipality, published=True)
    page = home(client)
    assert "1 monitoring report waits for a review" in page
    assert "6 reports overdue" in page
    assert queries(client) == one


# The demo's people ----------------------------------------------------------------------------


def demo_client(client_for, email: str):
    """A demo person, reading English (some of them chose Russian), as the assertions do."""
    user = User.objects.get(email=email)
    User.objects.filter(pk=user.pk).update(language="en")
    user.refresh_from_db()
    return client_for(user)


def test_the_demo_commission_sees_its_competitions(demo_data, client_for):
    open_order = Competition.objects.get(title="Maintaining Public Order")
    # The draft for older people has a chair and member 1 so far.
    draft = Competition.objects.get(title="Support for Older People Living Alone")
    for email in ("chair@karakol.example", "member1@karakol.example", "member2@karakol.example"):
        page = home(demo_client(client_for, email))
        shown = steps(page)
        assert shown.pop(open_order.reference) == "accepting", email
        if email != "member2@karakol.example":
            assert shown.pop(draft.reference) == "preparing", email
        assert sorted(shown.values()) == ["results", "results"], email
        assert 'data-testid="no-role-home"' not in page


def test_the_demo_organizations_see_their_reports_and_applications(demo_data, client_for):
    baldarga = home(demo_client(client_for, "baldarga@ngo.example"))
    # Its second report was sent back for a revision and its final report is overdue.
    assert len(re.findall('data-testid="due-report"', baldarga)) == 2
    assert 'data-report-state="revision_requested"' in baldarga
    assert "to be revised and submitted again" in baldarga
    assert len(re.findall('data-report-state="overdue"', baldarga)) == 1
    assert "days late" in baldarga
    assert len(re.findall('data-testid="waiting-application"', baldarga)) == 1

    ulukman = home(demo_client(client_for, "ulukman@ngo.example"))
    assert len(re.findall('data-testid="due-report"', ulukman)) == 1
    draft = Application.objects.get(organization__name__contains="Ulukman", state=Application.State.DRAFT)
    assert re.findall(r'href="(/applications/\d+/)" data-testid="draft-application"', ulukman) == [
        draft.get_absolute_url()
    ]
    assert "things are left before you can submit." in ulukman


def test_the_demo_staff_and_consultant_see_the_reports_of_karakol(demo_data, client_for):
    overdue = MonitoringReport.objects.overdue().filter(project__municipality__slug="karakol").count()
    assert overdue == 2  # the two final reports; Baldarga's second was submitted in time
    for email in ("finance@karakol.example", "consultant@dpi.example"):
        page = home(demo_client(client_for, email))
        assert "2 reports overdue" in page, email
        assert 'data-testid="no-role-home"' not in page


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_demo_home_renders_in_each_language(demo_data, client_for, language):
    for email in (
        "chair@karakol.example",
        "member2@karakol.example",
        "baldarga@ngo.example",
        "ulukman@ngo.example",
        "finance@karakol.example",
        "consultant@dpi.example",
    ):
        client = demo_client(client_for, email)
        client.cookies["django_language"] = language
        User.objects.filter(email=email).update(language=language)
        page = home(client)
        assert f'<html lang="{language}">' in page, email


def test_a_new_account_sees_no_work_but_the_invitation(demo_data, client_for):
    page = home(client_for(UserFactory()))
    assert 'data-testid="no-role-home"' in page
    assert 'data-testid="commission-competition"' not in page


# Long lists: each block shows its first rows and a link to the whole list, in fixed queries -----------


def _same_queries_at_3_and_30(client, add_rows, expected: int) -> str:
    """``add_rows(n)`` adds n rows to the person's work; the home page makes ``expected`` queries at 3
    rows and at 30; returns the page at 30."""
    add_rows(3)
    queries(client)  # fills the content-type and site caches
    assert queries(client) == expected
    add_rows(27)
    assert queries(client) == expected
    return home(client)


def test_the_staff_home_makes_the_same_queries_for_3_and_30_competitions(
    finance_staff, municipality, client_for
):
    def add(n: int) -> None:
        for i in range(n):
            competition = CompetitionFactory(municipality=municipality, published=bool(i % 2))
            ApplicationFactory(competition=competition)

    page = _same_queries_at_3_and_30(client_for(finance_staff), add, expected=11)
    assert 'data-testid="staff-counts"' in page
    assert reverse("procurement:staff-competitions", args=[municipality.slug]) in page


def test_the_organization_home_shows_five_of_30_applications_in_fixed_queries(
    organization, nco_member, municipality, client_for
):
    def add(n: int) -> None:
        for i in range(n):
            application = ApplicationFactory(
                competition=CompetitionFactory(municipality=municipality, published=True),
                organization=organization,
            )
            if i % 2:
                mark_submitted(application)

    page = _same_queries_at_3_and_30(client_for(nco_member), add, expected=15)
    assert len(re.findall('data-testid="draft-application"', page)) == 5
    assert len(re.findall('data-testid="waiting-application"', page)) == 5
    assert "20 more applications are in progress: see all your applications." in page
    assert f'href="{reverse("procurement:my-applications")}" data-testid="more-applications"' in page


def test_the_commission_home_shows_five_of_30_competitions_in_fixed_queries(commission_member, client_for):
    def add(n: int) -> None:
        for i in range(n):
            competition = (
                CompetitionFactory(closed=True) if i % 3 == 0 else CompetitionFactory(completed=True)
            )
            CommissionMemberFactory(competition=competition, user=commission_member)

    page = _same_queries_at_3_and_30(client_for(commission_member), add, expected=5)
    shown = steps(page)
    assert len(shown) == 5
    # The ten declarations to sign come before any result.
    assert set(shown.values()) == {"declare"}
    assert reverse("procurement:commission-home") in page


def test_the_consultant_home_makes_the_same_queries_for_3_and_30_reports(
    consultant, municipality, organization, client_for
):
    project = _project(organization, municipality)
    today = timezone.localdate()
    numbers = iter(range(1, 100))

    def add(n: int) -> None:
        for _ in range(n):
            number = next(numbers)
            state = MonitoringReport.State.SUBMITTED if number % 2 else MonitoringReport.State.DRAFT
            _report(project, number, today - datetime.timedelta(days=number), state)

    page = _same_queries_at_3_and_30(client_for(consultant), add, expected=8)
    assert "15 monitoring reports wait for a review" in page


def test_the_organization_home_lists_five_reports_that_need_work_and_counts_the_rest(
    organization, nco_member, municipality, client_for
):
    project = _project(organization, municipality)
    today = timezone.localdate()
    for number in range(1, 9):  # eight due within the month, the first three overdue
        _report(project, number, today + datetime.timedelta(days=number * 3 - 9))
    for number in range(9, 12):  # three due later
        _report(project, number, today + datetime.timedelta(days=60 + number))
    page = home(client_for(nco_member))
    listed = re.findall(r'href="(/reports/\d+/)" data-testid="due-report"', page)
    nearest = MonitoringReport.objects.filter(project=project).order_by("due_date")[:5]
    assert listed == [report.get_absolute_url() for report in nearest]
    assert "3 more reports need work now" in page
    assert "3 more reports are due later" in page
