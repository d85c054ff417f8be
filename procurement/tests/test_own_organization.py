"""A member of an NCO who also holds an official role does not act on that NCO's application:
finance staff neither screen nor award it, a commission member is conflicted with it."""

from __future__ import annotations

from decimal import Decimal
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory
from procurement import permissions
from procurement.factories import ApplicationFactory, CompetitionFactory
from procurement.models import Application, Award, ConflictedOrganization, ScoreSheet
from procurement.selectors import evaluation_progress
from procurement.services import applications as application_services
from procurement.services import evaluation as services
from procurement.tests.competition_in_evaluation import score, sign

pytestmark = pytest.mark.django_db


# Finance staff: screening ------------------------------------------------------------------------


@pytest.fixture
def own_submission(municipality, organization, finance_staff):
    OrganizationMembershipFactory(organization=organization, user=finance_staff)
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    return ApplicationFactory(competition=competition, organization=organization, submit=True)


def test_finance_staff_cannot_screen_the_application_of_their_own_organization(own_submission, finance_staff):
    with pytest.raises(ValidationError, match="so you cannot screen its application"):
        application_services.application_screen(application=own_submission, by=finance_staff, eligible=True)
    own_submission.refresh_from_db()
    assert own_submission.state == Application.State.SUBMITTED
    assert own_submission.screened_by is None


def test_the_staff_pages_say_why_there_is_no_screen_button(
    client, own_submission, finance_staff, organization
):
    client.force_login(finance_staff)
    reason = escape(f"You are a member of {organization.name}, so you cannot screen its application.")
    screen_url = reverse("procurement:application-screen", args=[own_submission.pk])

    listing = client.get(
        reverse("procurement:competition-applications", args=[own_submission.competition.reference])
    )
    assert reason in listing.content.decode()
    assert screen_url not in listing.content.decode()

    detail = client.get(own_submission.get_absolute_url())
    assert reason in detail.content.decode()
    assert screen_url not in detail.content.decode()

    response = client.post(screen_url, {"decision": "eligible", "note": ""}, follow=True)
    assert reason in response.content.decode()
    own_submission.refresh_from_db()
    assert own_submission.state == Application.State.SUBMITTED


def test_other_staff_still_screen_it(own_submission, municipality):
    colleague = MunicipalityMembershipFactory(municipality=municipality).user
    application_services.application_screen(application=own_submission, by=colleague, eligible=True)
    own_submission.refresh_from_db()
    assert own_submission.state == Application.State.ELIGIBLE


# Commission members: scoring ---------------------------------------------------------------------


def test_a_commission_member_of_an_applicant_is_conflicted_automatically(evaluation):
    own = evaluation.applications[0].organization
    OrganizationMembershipFactory(organization=own, user=evaluation.member1)
    declaration = sign(evaluation, evaluation.member1)  # ticks nothing
    assert declaration.has_conflict
    assert list(
        ConflictedOrganization.objects.filter(declaration=declaration).values_list("organization", flat=True)
    ) == [own.pk]
    assert own.name in declaration.statement
    assert permissions.conflicted_organizations(declaration.member) == {own.pk}
    with pytest.raises(ValidationError, match="so you cannot score its application"):
        score(evaluation, evaluation.member1, evaluation.applications[0], [9, 5])
    assert not ScoreSheet.objects.filter(application=evaluation.applications[0]).exists()
    score(
        evaluation, evaluation.member1, evaluation.applications[1], [7, 4]
    )  # the others are scored as usual


def test_membership_after_the_declaration_still_stops_the_scoring(evaluation):
    sign(evaluation, evaluation.member2)
    OrganizationMembershipFactory(
        organization=evaluation.applications[2].organization, user=evaluation.member2
    )
    with pytest.raises(ValidationError, match="so you cannot score its application"):
        score(evaluation, evaluation.member2, evaluation.applications[2], [5, 3])


def test_the_commission_pages_say_why(client, evaluation):
    own = evaluation.applications[0]
    OrganizationMembershipFactory(organization=own.organization, user=evaluation.member1)
    client.force_login(evaluation.member1)
    reason = escape(f"You are a member of {own.organization.name}, so you cannot score its application")

    declaration_page = client.get(reverse("procurement:declaration", args=[evaluation.competition.reference]))
    assert reason in declaration_page.content.decode()

    sign(evaluation, evaluation.member1)
    overview = client.get(reverse("procurement:evaluation", args=[evaluation.competition.reference]))
    body = overview.content.decode()
    assert reason in body
    assert reverse("procurement:score-sheet", args=[own.pk]) not in body
    assert reverse("procurement:score-sheet", args=[evaluation.applications[1].pk]) in body

    sheet = client.get(reverse("procurement:score-sheet", args=[own.pk]), follow=True)
    assert reason in sheet.content.decode()


# Finance staff: awards ---------------------------------------------------------------------------


def _scored(evaluation):
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(evaluation, user, application, values)


def test_finance_staff_cannot_award_their_own_organization(client, evaluation, finance_staff):
    _scored(evaluation)
    own = evaluation.applications[0]
    OrganizationMembershipFactory(organization=own.organization, user=finance_staff)
    with pytest.raises(ValidationError, match="so you cannot decide its award"):
        services.award_grant(application=own, by=finance_staff, amount=Decimal("1000"))
    assert not Award.objects.exists()

    client.force_login(finance_staff)
    reason = escape(f"You are a member of {own.organization.name}, so you cannot decide its award.")
    page = client.get(reverse("procurement:awards", args=[evaluation.competition.reference]))
    assert reason in page.content.decode()
    assert reverse("procurement:award-grant", args=[own.pk]) not in page.content.decode()
    assert reverse("procurement:award-grant", args=[evaluation.applications[1].pk]) in page.content.decode()
    response = client.get(reverse("procurement:award-grant", args=[own.pk]), {"amount": "1000"}, follow=True)
    assert reason in response.content.decode()
    assert not Award.objects.exists()


def test_finance_staff_cannot_take_back_the_award_of_their_own_organization(evaluation, finance_staff):
    _scored(evaluation)
    own = evaluation.applications[0]
    award = services.award_grant(application=own, by=finance_staff, amount=Decimal("1000"))
    OrganizationMembershipFactory(organization=own.organization, user=finance_staff)
    with pytest.raises(ValidationError, match="so you cannot decide its award"):
        services.award_revoke(award=award, by=finance_staff)
    assert Award.objects.filter(pk=award.pk).exists()


def test_the_progress_counts_a_later_membership_as_a_conflict(evaluation):
    sign(evaluation, evaluation.member2)
    OrganizationMembershipFactory(
        organization=evaluation.applications[2].organization, user=evaluation.member2
    )
    progress = evaluation_progress(competition=evaluation.competition)
    [row] = [r for r in progress["members"] if r["member"].user == evaluation.member2]
    index = [a.pk for a in progress["applications"]].index(evaluation.applications[2].pk)
    assert row["cells"][index] == "conflict"
