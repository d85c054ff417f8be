"""Declarations, score sheets, awards and completion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from procurement.models import Application, Award, Competition, ConflictDeclaration, ScoreSheet
from procurement.selectors import ranking
from procurement.services import competitions as competition_services
from procurement.services import evaluation as services
from procurement.tests.evaluation_world import build, score, sign
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality):
    return build(municipality)


# Declarations ------------------------------------------------------------------------------------


def test_a_declaration_is_signed_once_and_never_changed(world):
    declaration = sign(world, world.member1)
    assert not declaration.has_conflict
    assert "Aigul Mamytova" in declaration.statement
    assert "no conflict of interest" in declaration.statement
    with pytest.raises(ValidationError, match="cannot be changed"):
        sign(world, world.member1, [(world.applications[0].organization, "My brother")])
    with pytest.raises(RuntimeError):
        declaration.has_conflict = True
        declaration.save()
    assert ConflictDeclaration.objects.get().has_conflict is False


def test_a_conflict_names_applicants_with_reasons(world):
    organization = world.applications[1].organization
    declaration = sign(world, world.member2, [(organization, "My sister works there")])
    assert declaration.has_conflict
    assert "Organization B (My sister works there)" in declaration.statement
    assert list(declaration.conflicts.values_list("organization__name", "reason")) == [
        ("Organization B", "My sister works there")
    ]


def test_a_conflict_must_be_with_an_applicant_and_have_a_reason(world):
    from organizations.factories import OrganizationFactory

    with pytest.raises(ValidationError, match="did not apply"):
        sign(world, world.member2, [(OrganizationFactory(), "x")])
    with pytest.raises(ValidationError, match="reason"):
        sign(world, world.member2, [(world.applications[0].organization, "  ")])
    assert not ConflictDeclaration.objects.exists()


def test_only_commission_members_declare(world, finance_staff):
    with pytest.raises(PermissionDenied):
        sign(world, finance_staff)


# Score sheets ----------------------------------------------------------------------------------------


def test_a_sheet_is_saved_as_a_draft_then_submitted_and_locked(world):
    sign(world, world.member1)
    draft = score(world, world.member1, world.applications[0], [7, None], submit=False)
    assert draft.state == ScoreSheet.State.DRAFT
    assert draft.scores.count() == 1
    with pytest.raises(ValidationError, match="Score every criterion"):
        score(world, world.member1, world.applications[0], [7, None])
    submitted = score(world, world.member1, world.applications[0], [7, 4])
    assert submitted.state == ScoreSheet.State.SUBMITTED
    assert submitted.pk == draft.pk
    with pytest.raises(ValidationError, match="locked"):
        score(world, world.member1, world.applications[0], [1, 1])
    assert list(submitted.scores.values_list("score", flat=True)) == [Decimal("7.0"), Decimal("4.0")]


def test_a_draft_sheet_in_russian_shows_its_half_points_as_typed(world, client_for):
    """A score is written in its field as the page writes numbers (7,5 in Russian) and read back."""
    from django.urls import reverse

    sign(world, world.member1)
    score(world, world.member1, world.applications[0], [Decimal("7.5"), None], submit=False)
    world.member1.language = "ru"
    world.member1.save(update_fields=["language"])
    page = (
        client_for(world.member1)
        .get(reverse("procurement:score-sheet", args=[world.applications[0].pk]))
        .content.decode()
    )
    assert '<html lang="ru">' in page
    assert 'value="7,5"' in page


@pytest.mark.parametrize(("language", "whole", "half"), [("ru", "9", "3,5"), ("en", "9", "3.5")])
def test_the_other_members_scores_are_written_as_the_members_own_field_writes_them(
    world, client_for, language, whole, half
):
    """One way for scores on the sheet: ``9`` in the field and in the other sheets, never ``9,0``."""
    import re

    from django.urls import reverse

    for member, values in ((world.member1, [9, Decimal("3.5")]), (world.member2, [9, 3])):
        sign(world, member)
        score(world, member, world.applications[0], values)
    world.member1.language = language
    world.member1.save(update_fields=["language"])
    page = (
        client_for(world.member1)
        .get(reverse("procurement:score-sheet", args=[world.applications[0].pk]))
        .content.decode()
    )
    own = re.findall(r'name="score_\d+"[^>]*value="([^"]*)"', page)
    others = page[page.index('data-testid="others"') :]
    shown = re.findall(r"<strong>([^<]*)</strong>", others)
    assert own == [whole, half]
    assert shown == ["9", "3"]
    assert not re.search(r"\b\d+[.,]0\b", others)


def test_scores_are_written_one_way_in_the_protocol(world, django_capture_on_commit_callbacks):
    import re

    from procurement.documents import PROTOCOL
    from ssp_portal.documents.services import document_request
    from ssp_portal.documents.tests.conftest import pdf_text

    for member in (world.chair, world.member1, world.member2):
        sign(world, member)
        for application in world.applications:
            score(world, member, application, [9, Decimal("3.5")])
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=world.competition, kind=PROTOCOL, requested_by=world.chair, language="ru"
        )
    document.refresh_from_db()
    text = " ".join(pdf_text(document.file.read()).split())
    assert " 9 3,5 " in text
    assert not re.search(r"\b\d+,0\b", text)


@pytest.mark.parametrize("values", [[11, 4], [-1, 4], [5, 5.5]])
def test_scores_outside_zero_to_the_maximum_are_refused(world, values):
    sign(world, world.member1)
    with pytest.raises(ValidationError, match="between 0 and"):
        score(world, world.member1, world.applications[0], values)
    assert not ScoreSheet.objects.exists()


def test_no_sheet_before_the_declaration(world):
    with pytest.raises(ValidationError, match="declaration"):
        score(world, world.member1, world.applications[0], [5, 5])


def test_a_conflicted_member_cannot_score_that_organization(world):
    sign(world, world.member2, [(world.applications[1].organization, "Relative")])
    with pytest.raises(PermissionDenied):
        score(world, world.member2, world.applications[1], [5, 5])
    score(world, world.member2, world.applications[0], [5, 5])  # the others are fine


@pytest.mark.parametrize("which", ["ineligible", "withdrawn"])
def test_no_sheet_for_an_ineligible_or_withdrawn_application(world, which):
    sign(world, world.member1)
    with pytest.raises(ValidationError, match="eligible"):
        score(world, world.member1, getattr(world, which), [5, 5])


def test_no_sheet_outside_the_evaluation(world):
    sign(world, world.member1)
    Competition.objects.filter(pk=world.competition.pk).update(state=Competition.State.COMPLETED)
    with pytest.raises(ValidationError, match="under evaluation"):
        score(world, world.member1, world.applications[0], [5, 5])


def test_the_chair_reopens_a_sheet_with_a_reason(world):
    sign(world, world.member1)
    sheet = score(world, world.member1, world.applications[0], [7, 4])
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(sheet=sheet, by=world.member2, reason="typo")
    with pytest.raises(ValidationError):
        services.sheet_reopen(sheet=sheet, by=world.chair, reason=" ")
    reopened = services.sheet_reopen(sheet=sheet, by=world.chair, reason="A typo in the budget score")
    assert reopened.state == ScoreSheet.State.DRAFT
    event = AuditEvent.objects.get(verb="score_sheet.reopened")
    assert event.details["reason"] == "A typo in the budget score"
    assert event.actor == world.chair
    score(world, world.member1, world.applications[0], [7, 5])


# The ranking from the services' data ---------------------------------------------------------------


def test_ranking_from_submitted_sheets_only(world):
    for user in (world.chair, world.member1, world.member2):
        sign(world, user)
    a, b, _c = world.applications
    # Relevance /10 ×60, Budget /5 ×40: chair A = 8/10×60 + 4/5×40 = 48 + 32 = 80
    score(world, world.chair, a, [8, 4])
    score(world, world.member1, a, [6, 5])  # 36 + 40 = 76
    score(world, world.member2, a, [9, 2], submit=False)  # a draft: not counted
    score(world, world.chair, b, [10, 5])  # 100
    score(world, world.member1, b, [5, 5])  # 30 + 40 = 70
    rows = ranking(competition=world.competition)
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


def scored(world) -> None:
    for user in (world.chair, world.member1, world.member2):
        sign(world, user)
    for user in (world.chair, world.member1, world.member2):
        for application, values in zip(world.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(world, user, application, values)


def test_awards_in_rank_order_within_the_budget(world, finance_staff):
    scored(world)
    a, b, c = world.applications
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


def test_an_award_above_the_request_or_twice_is_refused(world, finance_staff):
    scored(world)
    a = world.applications[0]
    with pytest.raises(ValidationError, match="more than the requested"):
        services.award_grant(application=a, by=finance_staff, amount=Decimal("150000.01"))
    services.award_grant(application=a, by=finance_staff, amount=Decimal("100000"))
    with pytest.raises(ValidationError, match="already has an award"):
        services.award_grant(application=a, by=finance_staff, amount=Decimal("1000"))
    with pytest.raises(IntegrityError):
        Award.objects.create(
            application=a,
            competition=world.competition,
            amount=Decimal("1"),
            rank=1,
            decided_by=finance_staff,
        )


def test_departing_from_the_rank_order_needs_a_reason(world, finance_staff):
    scored(world)
    c = world.applications[2]
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


def test_no_award_for_an_ineligible_application_or_by_others(world, finance_staff, other_staff):
    scored(world)
    with pytest.raises(ValidationError, match="eligible"):
        services.award_grant(application=world.ineligible, by=finance_staff, amount=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        services.award_grant(application=world.applications[0], by=other_staff, amount=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        services.award_grant(application=world.applications[0], by=world.chair, amount=Decimal("1000"))


def test_an_award_is_taken_back_before_the_results(world, finance_staff):
    scored(world)
    award = services.award_grant(application=world.applications[0], by=finance_staff, amount=Decimal("1000"))
    services.award_revoke(award=award, by=finance_staff)
    assert not Award.objects.exists()
    assert Application.objects.get(pk=world.applications[0].pk).state == Application.State.ELIGIBLE


# Completion --------------------------------------------------------------------------------------


def test_completion_needs_every_eligible_application_scored(world, finance_staff):
    for user in (world.chair, world.member1):
        sign(world, user)
    score(world, world.chair, world.applications[0], [5, 5])
    score(world, world.member1, world.applications[1], [5, 5], submit=False)
    with pytest.raises(ValidationError) as info:
        competition_services.competition_complete(competition=world.competition, by=finance_staff)
    assert info.value.messages == [
        "2 eligible applications have no submitted score sheet.",
        "Some score sheets are still drafts.",
        "Members who have not yet submitted every score sheet: "
        "Nurlan Asanov, Aigul Mamytova, Bakyt Toktosunov.",
    ]


def test_one_members_sheets_do_not_finish_the_scoring(world, finance_staff):
    """Every application has a submitted sheet, but two members have not scored: the ranking is not
    yet the commission's, so neither an award nor the results."""
    for user in (world.chair, world.member1, world.member2):
        sign(world, user)
    for application in world.applications:
        score(world, world.chair, application, [9, 5])
    score(world, world.member1, world.applications[0], [7, 4])
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=world.applications[0], by=finance_staff, amount=Decimal("1000"))
    assert info.value.messages == [
        "Decide the awards once the scoring is finished.",
        "Members who have not yet submitted every score sheet: Aigul Mamytova, Bakyt Toktosunov.",
    ]
    with pytest.raises(ValidationError) as info:
        competition_services.competition_complete(competition=world.competition, by=finance_staff)
    assert info.value.messages == [
        "Members who have not yet submitted every score sheet: Aigul Mamytova, Bakyt Toktosunov."
    ]
    assert not Award.objects.exists()
    assert Competition.objects.get(pk=world.competition.pk).state == Competition.State.EVALUATION


def test_a_conflicted_application_is_not_owed_by_the_member_who_declared_it(world, finance_staff):
    a, b, c = world.applications
    sign(world, world.chair)
    sign(world, world.member1)
    sign(world, world.member2, [(a.organization, "My sister works there")])
    for user in (world.chair, world.member1):
        for application in world.applications:
            score(world, user, application, [7, 4])
    score(world, world.member2, b, [6, 3])
    assert services.completion_problems(world.competition) == [
        "Members who have not yet submitted every score sheet: Bakyt Toktosunov."
    ]
    score(world, world.member2, c, [6, 3])
    assert services.completion_problems(world.competition) == []
    services.award_grant(application=a, by=finance_staff, amount=Decimal("150000"))
    competition_services.competition_complete(competition=world.competition, by=finance_staff)


def test_completion_publishes_results_and_tells_every_applicant(
    world, finance_staff, django_capture_on_commit_callbacks
):
    scored(world)
    services.award_grant(application=world.applications[0], by=finance_staff, amount=Decimal("150000"))
    with django_capture_on_commit_callbacks(execute=True):
        competition_services.competition_complete(competition=world.competition, by=finance_staff)
    states = dict(Application.objects.values_list("organization__name", "state"))
    assert states == {
        "Organization A": "awarded",
        "Organization B": "not_awarded",
        "Organization C": "not_awarded",
        "Organization D": "ineligible",
        "Organization E": "withdrawn",
    }
    subjects = {message.to[0]: message for message in mail.outbox}
    a, b, _c = world.applicants
    assert (
        "awarded a grant of KGS" in subjects[a.email].body or "awarded a grant of" in subjects[a.email].body
    )
    assert "not awarded a grant this time" in subjects[b.email].body
    assert len(mail.outbox) == 3  # the members of the three eligible organizations (D and E have none here)
    protocols = Document.objects.for_subject(world.competition, "evaluation-protocol")
    assert sorted(protocols.values_list("language", flat=True)) == ["en", "ky", "ru"]
    assert set(protocols.values_list("state", flat=True)) == {"ready"}


# Reminders -----------------------------------------------------------------------------------------


def test_members_with_missing_sheets_are_reminded_once_per_step(world, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from procurement.services.reminders import remind_missing_score_sheets
    from procurement.tasks import remind_missing_score_sheets as task

    sign(world, world.chair)
    for application in world.applications:
        score(world, world.chair, application, [5, 5])  # the chair is done
    sign(world, world.member1)  # member 1 has declared, member 2 has not
    started = world.competition.evaluation_started_at

    def run(days: float) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_missing_score_sheets(now=started + datetime.timedelta(days=days))

    assert run(2) == 0  # too early
    assert run(3.1) == 2  # member 1 and member 2, not the chair
    assert run(3.2) == 0
    assert run(7.5) == 2  # the second reminder
    assert run(8) == 0
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([world.member1.email, world.member2.email] * 2)
    assert any("declaration" in m.body for m in mail.outbox if m.to == [world.member2.email])
    assert timezone.now() > started
    assert task.delay().get() == 0  # the beat task finds both reminders of today's step already sent


def test_awards_wait_for_the_scoring_to_finish(world, finance_staff):
    for user in (world.chair, world.member1):
        sign(world, user)
    score(world, world.chair, world.applications[0], [5, 5])
    with pytest.raises(ValidationError) as info:
        services.award_grant(application=world.applications[0], by=finance_staff, amount=Decimal("1000"))
    assert info.value.messages[0] == "Decide the awards once the scoring is finished."
    assert not Award.objects.exists()
