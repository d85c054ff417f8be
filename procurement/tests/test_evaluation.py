"""Declarations, score sheets, awards and completion."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from organizations.factories import OrganizationFactory
from procurement.documents import PROTOCOL
from procurement.models import Application, Award, Competition, ConflictDeclaration, ScoreSheet
from procurement.selectors import ranking
from procurement.services import competitions as competition_services
from procurement.services import evaluation as services
from procurement.services.reminders import remind_missing_score_sheets
from procurement.tasks import remind_missing_score_sheets as task
from procurement.tests.competition_in_evaluation import score, sign
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


# Declarations ------------------------------------------------------------------------------------


def test_a_declaration_is_signed_once_and_never_changed(evaluation):
    declaration = sign(evaluation, evaluation.member1)
    assert not declaration.has_conflict
    assert "Aigul Mamytova" in declaration.statement
    assert "no conflict of interest" in declaration.statement
    with pytest.raises(ValidationError, match="cannot be changed"):
        sign(evaluation, evaluation.member1, [(evaluation.applications[0].organization, "My brother")])
    with pytest.raises(RuntimeError):
        declaration.has_conflict = True
        declaration.save()
    assert ConflictDeclaration.objects.get().has_conflict is False


def test_a_conflict_names_applicants_with_reasons(evaluation):
    organization = evaluation.applications[1].organization
    declaration = sign(evaluation, evaluation.member2, [(organization, "My sister works there")])
    assert declaration.has_conflict
    assert "Organization B (My sister works there)" in declaration.statement
    assert list(declaration.conflicts.values_list("organization__name", "reason")) == [
        ("Organization B", "My sister works there")
    ]


def test_a_conflict_must_be_with_an_applicant_and_have_a_reason(evaluation):
    with pytest.raises(ValidationError, match="did not apply"):
        sign(evaluation, evaluation.member2, [(OrganizationFactory(), "x")])
    with pytest.raises(ValidationError, match="reason"):
        sign(evaluation, evaluation.member2, [(evaluation.applications[0].organization, "  ")])
    assert not ConflictDeclaration.objects.exists()


def test_only_commission_members_declare(evaluation, finance_staff):
    with pytest.raises(PermissionDenied):
        sign(evaluation, finance_staff)


# Score sheets ----------------------------------------------------------------------------------------


def test_a_sheet_is_saved_as_a_draft_then_submitted_and_locked(evaluation):
    sign(evaluation, evaluation.member1)
    draft = score(evaluation, evaluation.member1, evaluation.applications[0], [7, None], submit=False)
    assert draft.state == ScoreSheet.State.DRAFT
    assert draft.scores.count() == 1
    with pytest.raises(ValidationError, match="Score every criterion"):
        score(evaluation, evaluation.member1, evaluation.applications[0], [7, None])
    submitted = score(evaluation, evaluation.member1, evaluation.applications[0], [7, 4])
    assert submitted.state == ScoreSheet.State.SUBMITTED
    assert submitted.pk == draft.pk
    with pytest.raises(ValidationError, match="locked"):
        score(evaluation, evaluation.member1, evaluation.applications[0], [1, 1])
    assert list(submitted.scores.values_list("score", flat=True)) == [Decimal("7.0"), Decimal("4.0")]


def test_a_draft_sheet_in_russian_shows_its_half_points_as_typed(evaluation, client_for):
    """A score is written in its field as the page writes numbers (7,5 in Russian) and read back."""
    sign(evaluation, evaluation.member1)
    score(evaluation, evaluation.member1, evaluation.applications[0], [Decimal("7.5"), None], submit=False)
    evaluation.member1.language = "ru"
    evaluation.member1.save(update_fields=["language"])
    page = (
        client_for(evaluation.member1)
        .get(reverse("procurement:score-sheet", args=[evaluation.applications[0].pk]))
        .content.decode()
    )
    assert '<html lang="ru">' in page
    assert 'value="7,5"' in page


@pytest.mark.parametrize(("language", "whole", "half"), [("ru", "9", "3,5"), ("en", "9", "3.5")])
def test_the_other_members_scores_are_written_as_the_members_own_field_writes_them(
    evaluation, client_for, language, whole, half
):
    """One way for scores on the sheet: ``9`` in the field and in the other sheets, never ``9,0``."""
    for member, values in ((evaluation.member1, [9, Decimal("3.5")]), (evaluation.member2, [9, 3])):
        sign(evaluation, member)
        score(evaluation, member, evaluation.applications[0], values)
    evaluation.member1.language = language
    evaluation.member1.save(update_fields=["language"])
    page = (
        client_for(evaluation.member1)
        .get(reverse("procurement:score-sheet", args=[evaluation.applications[0].pk]))
        .content.decode()
    )
    own = re.findall(r'name="score_\d+"[^>]*value="([^"]*)"', page)
    others = page[page.index('data-testid="others"') :]
    shown = re.findall(r"<strong>([^<]*)</strong>", others)
    assert own == [whole, half]
    assert shown == ["9", "3"]
    assert not re.search(r"\b\d+[.,]0\b", others)


def test_scores_are_written_one_way_in_the_protocol(evaluation, django_capture_on_commit_callbacks):
    for member in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, member)
        for application in evaluation.applications:
            score(evaluation, member, application, [9, Decimal("3.5")])
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=evaluation.competition, kind=PROTOCOL, requested_by=evaluation.chair, language="ru"
        )
    document.refresh_from_db()
    text = " ".join(pdf_text(document.file.read()).split())
    assert " 9 3,5 " in text
    assert not re.search(r"\b\d+,0\b", text)


@pytest.mark.parametrize("values", [[11, 4], [-1, 4], [5, 5.5]])
def test_scores_outside_zero_to_the_maximum_are_refused(evaluation, values):
    sign(evaluation, evaluation.member1)
    with pytest.raises(ValidationError, match="between 0 and"):
        score(evaluation, evaluation.member1, evaluation.applications[0], values)
    assert not ScoreSheet.objects.exists()


def test_no_sheet_before_the_declaration(evaluation):
    with pytest.raises(ValidationError, match="declaration"):
        score(evaluation, evaluation.member1, evaluation.applications[0], [5, 5])


def test_a_conflicted_member_cannot_score_that_organization(evaluation):
    sign(evaluation, evaluation.member2, [(evaluation.applications[1].organization, "Relative")])
    with pytest.raises(PermissionDenied):
        score(evaluation, evaluation.member2, evaluation.applications[1], [5, 5])
    score(evaluation, evaluation.member2, evaluation.applications[0], [5, 5])  # the others are fine


@pytest.mark.parametrize("which", ["ineligible", "withdrawn"])
def test_no_sheet_for_an_ineligible_or_withdrawn_application(evaluation, which):
    sign(evaluation, evaluation.member1)
    with pytest.raises(ValidationError, match="eligible"):
        score(evaluation, evaluation.member1, getattr(evaluation, which), [5, 5])


def test_no_sheet_outside_the_evaluation(evaluation):
    sign(evaluation, evaluation.member1)
    Competition.objects.filter(pk=evaluation.competition.pk).update(state=Competition.State.COMPLETED)
    with pytest.raises(ValidationError, match="under evaluation"):
        score(evaluation, evaluation.member1, evaluation.applications[0], [5, 5])


def test_the_chair_reopens_a_sheet_with_a_reason(evaluation):
    sign(evaluation, evaluation.member1)
    sheet = score(evaluation, evaluation.member1, evaluation.applications[0], [7, 4])
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(sheet=sheet, by=evaluation.member2, reason="typo")
    with pytest.raises(ValidationError):
        services.sheet_reopen(sheet=sheet, by=evaluation.chair, reason=" ")
    reopened = services.sheet_reopen(sheet=sheet, by=evaluation.chair, reason="A typo in the budget score")
    assert reopened.state == ScoreSheet.State.DRAFT
    event = AuditEvent.objects.get(verb="score_sheet.reopened")
    assert event.details["reason"] == "A typo in the budget score"
    assert event.actor == evaluation.chair
    score(evaluation, evaluation.member1, evaluation.applications[0], [7, 5])


# The ranking from the services' data ---------------------------------------------------------------


def test_ranking_from_submitted_sheets_only(evaluation):
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
    a, b, _c = evaluation.applications
    # Relevance /10 ×60, Budget /5 ×40: chair A = 8/10×60 + 4/5×40 = 48 + 32 = 80
    score(evaluation, evaluation.chair, a, [8, 4])
    score(evaluation, evaluation.member1, a, [6, 5])  # 36 + 40 = 76
    score(evaluation, evaluation.member2, a, [9, 2], submit=False)  # a draft: not counted
    score(evaluation, evaluation.chair, b, [10, 5])  # 100
    score(evaluation, evaluation.member1, b, [5, 5])  # 30 + 40 = 70
    rows = ranking(competition=evaluation.competition)
    by_name = {row.application.organization.name: row for row in rows}
    assert by_name["Organization A"].mean_shown == Decimal("78.00")
    assert by_name["Organization B"].mean_shown == Decimal("85.00")
    assert by_name["Organization B"].spread_shown == Decimal("30.00")
    assert by_name["Organization B"].flagged  # the default margin is 20 points
    assert [row.application.organization.name for row in rows] == [
        "Organization B",
        "Organization A",
        "Organization C",
    ]
    assert by_name["Organization C"].rank is None


# Awards -------------------------------------------------------------------------------------------


def scored(evaluation) -> None:
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(evaluation, user, application, values)


def test_awards_in_rank_order_within_the_budget(evaluation, finance_staff):
    scored(evaluation)
    a, b, c = evaluation.applications
    award = services.award_grant(application=a, by=finance_staff, amount=Decimal("150000"))
    assert (award.rank, award.amount) == (1, Decimal("150000"))
    a.refresh_from_db()
    assert a.state == Application.State.AWARDED
    services.award_grant(application=b, by=finance_staff, amount=Decimal("120000"))  # lower than requested
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=c, by=finance_staff, amount=Decimal("140000"))
    message = info.value.message_dict["amount"][0]
    assert "exceed the budget: KGS\u00a0130,000 of KGS\u00a0400,000 remain" in message
    c.refresh_from_db()
    assert c.state == Application.State.ELIGIBLE


def test_an_award_above_the_request_or_twice_is_refused(evaluation, finance_staff):
    scored(evaluation)
    a = evaluation.applications[0]
    with pytest.raises(ValidationError, match="more than the requested"):
        services.award_grant(application=a, by=finance_staff, amount=Decimal("150000.01"))
    services.award_grant(application=a, by=finance_staff, amount=Decimal("100000"))
    with pytest.raises(ValidationError, match="already has an award"):
        services.award_grant(application=a, by=finance_staff, amount=Decimal("1000"))
    with pytest.raises(IntegrityError):
        Award.objects.create(
            application=a,
            competition=evaluation.competition,
            amount=Decimal("1"),
            rank=1,
            decided_by=finance_staff,
        )


def test_departing_from_the_rank_order_needs_a_reason(evaluation, finance_staff):
    scored(evaluation)
    c = evaluation.applications[2]
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=c, by=finance_staff, amount=Decimal("100000"))
    assert "Organization A, Organization B" in info.value.message_dict["departure_reason"][0]
    award = services.award_grant(
        application=c,
        by=finance_staff,
        amount=Decimal("100000"),
        departure_reason="Only C works in the district",
    )
    assert award.rank == 3
    assert award.departure_reason == "Only C works in the district"


def test_no_award_for_an_ineligible_application_or_by_others(evaluation, finance_staff, other_staff):
    scored(evaluation)
    with pytest.raises(ValidationError, match="eligible"):
        services.award_grant(application=evaluation.ineligible, by=finance_staff, amount=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        services.award_grant(application=evaluation.applications[0], by=other_staff, amount=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        services.award_grant(
            application=evaluation.applications[0], by=evaluation.chair, amount=Decimal("1000")
        )


def test_an_award_is_taken_back_before_the_results(evaluation, finance_staff):
    scored(evaluation)
    award = services.award_grant(
        application=evaluation.applications[0], by=finance_staff, amount=Decimal("1000")
    )
    services.award_revoke(award=award, by=finance_staff)
    assert not Award.objects.exists()
    assert Application.objects.get(pk=evaluation.applications[0].pk).state == Application.State.ELIGIBLE


# Completion --------------------------------------------------------------------------------------


def test_completion_needs_every_eligible_application_scored(evaluation, finance_staff):
    for user in (evaluation.chair, evaluation.member1):
        sign(evaluation, user)
    score(evaluation, evaluation.chair, evaluation.applications[0], [5, 5])
    score(evaluation, evaluation.member1, evaluation.applications[1], [5, 5], submit=False)
    with pytest.raises(ValidationError) as info:
        competition_services.competition_complete(competition=evaluation.competition, by=finance_staff)
    assert info.value.messages == [
        "2 eligible applications have no submitted score sheet.",
        "Some score sheets are still drafts.",
        "Members who have not yet submitted every score sheet: "
        "Nurlan Asanov, Aigul Mamytova, Bakyt Toktosunov.",
    ]


def test_one_members_sheets_do_not_finish_the_scoring(evaluation, finance_staff):
    """Every application has a submitted sheet, but two members have not scored: the ranking is not
    yet the commission's, so neither an award nor the results."""
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
    for application in evaluation.applications:
        score(evaluation, evaluation.chair, application, [9, 5])
    score(evaluation, evaluation.member1, evaluation.applications[0], [7, 4])
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=evaluation.applications[0], by=finance_staff, amount=Decimal("1000"))
    assert info.value.messages == [
        "Decide the awards once the scoring is finished.",
        "Members who have not yet submitted every score sheet: Aigul Mamytova, Bakyt Toktosunov.",
    ]
    with pytest.raises(ValidationError) as info:
        competition_services.competition_complete(competition=evaluation.competition, by=finance_staff)
    assert info.value.messages == [
        "Members who have not yet submitted every score sheet: Aigul Mamytova, Bakyt Toktosunov."
    ]
    assert not Award.objects.exists()
    assert Competition.objects.get(pk=evaluation.competition.pk).state == Competition.State.EVALUATION


def test_a_conflicted_application_is_not_owed_by_the_member_who_declared_it(evaluation, finance_staff):
    a, b, c = evaluation.applications
    sign(evaluation, evaluation.chair)
    sign(evaluation, evaluation.member1)
    sign(evaluation, evaluation.member2, [(a.organization, "My sister works there")])
    for user in (evaluation.chair, evaluation.member1):
        for application in evaluation.applications:
            score(evaluation, user, application, [7, 4])
    score(evaluation, evaluation.member2, b, [6, 3])
    assert services.completion_problems(evaluation.competition) == [
        "Members who have not yet submitted every score sheet: Bakyt Toktosunov."
    ]
    score(evaluation, evaluation.member2, c, [6, 3])
    assert services.completion_problems(evaluation.competition) == []
    services.award_grant(application=a, by=finance_staff, amount=Decimal("150000"))
    competition_services.competition_complete(competition=evaluation.competition, by=finance_staff)


def test_completion_publishes_results_and_tells_every_applicant(
    evaluation, finance_staff, django_capture_on_commit_callbacks
):
    scored(evaluation)
    services.award_grant(application=evaluation.applications[0], by=finance_staff, amount=Decimal("150000"))
    with django_capture_on_commit_callbacks(execute=True):
        competition_services.competition_complete(competition=evaluation.competition, by=finance_staff)
    states = dict(Application.objects.values_list("organization__name", "state"))
    assert states == {
        "Organization A": "awarded",
        "Organization B": "not_awarded",
        "Organization C": "not_awarded",
        "Organization D": "ineligible",
        "Organization E": "withdrawn",
    }
    subjects = {message.to[0]: message for message in mail.outbox}
    a, b, _c = evaluation.applicants
    assert (
        "The application of Organization A is awarded a grant of KGS\u00a0150,000." in subjects[a.email].body
    )
    assert (
        "The application of Organization B was eligible but is not awarded a grant this time."
        in subjects[b.email].body
    )
    assert len(mail.outbox) == 3  # the members of the three eligible organizations (D and E have none here)
    protocols = Document.objects.for_subject(evaluation.competition, PROTOCOL)
    assert sorted(protocols.values_list("language", flat=True)) == ["en", "ky", "ru"]
    assert set(protocols.values_list("state", flat=True)) == {"ready"}


# Reminders -----------------------------------------------------------------------------------------


def test_members_with_missing_sheets_are_reminded_once_per_step(
    evaluation, django_capture_on_commit_callbacks
):
    sign(evaluation, evaluation.chair)
    for application in evaluation.applications:
        score(evaluation, evaluation.chair, application, [5, 5])  # the chair is done
    sign(evaluation, evaluation.member1)  # member 1 has declared, member 2 has not
    started = evaluation.competition.evaluation_started_at

    def run(days: float) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_missing_score_sheets(now=started + datetime.timedelta(days=days))

    assert run(2) == 0  # too early
    assert run(3.1) == 2  # member 1 and member 2, not the chair
    assert run(3.2) == 0
    assert run(7.5) == 2  # the second reminder
    assert run(8) == 0
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([evaluation.member1.email, evaluation.member2.email] * 2)
    assert any("declaration" in m.body for m in mail.outbox if m.to == [evaluation.member2.email])
    assert task.delay().get() == 0  # the beat task finds both reminders of today's step already sent


def test_awards_wait_for_the_scoring_to_finish(evaluation, finance_staff):
    for user in (evaluation.chair, evaluation.member1):
        sign(evaluation, user)
    score(evaluation, evaluation.chair, evaluation.applications[0], [5, 5])
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=evaluation.applications[0], by=finance_staff, amount=Decimal("1000"))
    assert info.value.messages[0] == "Decide the awards once the scoring is finished."
    assert not Award.objects.exists()
