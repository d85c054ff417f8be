"""The competition's life cycle: every transition, every publishing check, the deadline edge."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.factories import MunicipalityFactory
from procurement.factories import (
    CommissionMemberFactory,
    CompetitionFactory,
    EvaluationCriterionFactory,
    PriorityIssueFactory,
)
from procurement.models import Competition, PriorityIssue
from procurement.rules import publish_problems
from procurement.services import competitions as services
from procurement.tasks import close_competitions_past_deadline
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BISHKEK = ZoneInfo("Asia/Bishkek")
# 17:00 in Bishkek is 11:00 UTC.
DEADLINE = datetime.datetime(2026, 12, 22, 17, 0, tzinfo=BISHKEK)
SECOND = datetime.timedelta(seconds=1)


def verbs(competition: Competition) -> list[str]:
    return list(AuditEvent.objects.for_target(competition).order_by("id").values_list("verb", flat=True))


@pytest.fixture
def ready(municipality):
    """A draft that passes every publishing check when published 30 days before its deadline."""
    return CompetitionFactory(municipality=municipality, deadline=DEADLINE, ready=True)


PUBLISHED_AT = DEADLINE - datetime.timedelta(days=30)


# Creating and numbering ---------------------------------------------------------------------


def terms(municipality, **overrides):
    return {
        "title_en": "Children of Labor Migrants",
        "priority_issue": PriorityIssueFactory(municipality=municipality),
        "description_en": "After-school care.",
        "budget": Decimal("200000"),
        "max_grant": Decimal("200000"),
        "projects_expected": 1,
        "announcement_date": datetime.date(2026, 2, 10),
        "deadline": datetime.datetime(2026, 3, 14, 17, tzinfo=BISHKEK),
        "project_start": datetime.date(2026, 4, 1),
        "project_end": datetime.date(2026, 12, 31),
        **overrides,
    }


def test_references_count_per_municipality_and_year(
    municipality, finance_staff, other_municipality, other_staff
):
    first = services.competition_create(municipality=municipality, by=finance_staff, data=terms(municipality))
    second = services.competition_create(
        municipality=municipality, by=finance_staff, data=terms(municipality)
    )
    next_year = services.competition_create(
        municipality=municipality,
        by=finance_staff,
        data=terms(municipality, announcement_date=datetime.date(2027, 1, 15)),
    )
    elsewhere = services.competition_create(
        municipality=other_municipality, by=other_staff, data=terms(other_municipality)
    )
    assert [first.reference, second.reference, next_year.reference, elsewhere.reference] == [
        "KRK-2026-001",
        "KRK-2026-002",
        "KRK-2027-001",
        "NRN-2026-001",
    ]
    assert first.state == Competition.State.DRAFT
    assert verbs(first) == ["competition.created"]


def test_staff_of_another_municipality_cannot_create(municipality, other_staff):
    with pytest.raises(PermissionDenied):
        services.competition_create(municipality=municipality, by=other_staff, data=terms(municipality))
    assert not Competition.objects.exists()


def test_a_priority_issue_of_another_municipality_is_refused(municipality, finance_staff):
    foreign = PriorityIssueFactory(municipality=MunicipalityFactory())
    with pytest.raises(ValidationError) as info:
        services.competition_create(
            municipality=municipality, by=finance_staff, data=terms(municipality, priority_issue=foreign)
        )
    assert "priority_issue" in info.value.message_dict
    assert not Competition.objects.exists()


# Publishing ---------------------------------------------------------------------------------


def test_publishing_a_ready_draft(ready, finance_staff):
    published = services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert published.state == Competition.State.PUBLISHED
    assert published.published_at == PUBLISHED_AT
    assert verbs(ready) == ["competition.published"]


def test_publishing_before_the_announcement_date_announces_it_that_day(ready, finance_staff):
    # PUBLISHED_AT is 22 November 2026, 17:00 in Bishkek; the draft planned 10 December.
    Competition.objects.filter(pk=ready.pk).update(announcement_date=datetime.date(2026, 12, 10))
    published = services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert published.announcement_date == datetime.date(2026, 11, 22)
    assert Competition.objects.get(pk=ready.pk).announcement_date == datetime.date(2026, 11, 22)
    (event,) = AuditEvent.objects.for_target(ready)
    assert event.verb == "competition.published"
    assert event.details["announcement_date"] == ["2026-12-10", "2026-11-22"]


def test_the_day_of_publication_is_the_municipalitys_day(ready, finance_staff):
    # Half past midnight on 23 November in Bishkek is still 22 November in UTC.
    at = datetime.datetime(2026, 11, 23, 0, 30, tzinfo=BISHKEK)
    Competition.objects.filter(pk=ready.pk).update(
        announcement_date=datetime.date(2026, 12, 10), deadline=at + datetime.timedelta(days=31)
    )
    ready.refresh_from_db()
    published = services.competition_publish(competition=ready, by=finance_staff, at=at)
    assert published.announcement_date == datetime.date(2026, 11, 23)


def test_an_announcement_date_already_passed_stays(ready, finance_staff):
    Competition.objects.filter(pk=ready.pk).update(announcement_date=datetime.date(2026, 11, 1))
    published = services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert published.announcement_date == datetime.date(2026, 11, 1)
    assert "announcement_date" not in AuditEvent.objects.for_target(ready).get().details


def test_the_deadline_must_leave_the_minimum_period_to_the_second(ready, finance_staff):
    too_late = PUBLISHED_AT + SECOND  # the deadline is then one second short of 30 days away
    with pytest.raises(ValidationError) as info:
        services.competition_publish(competition=ready, by=finance_staff, at=too_late)
    assert info.value.messages == [
        "Move the deadline to at least 30 days after today (22 December 2026, 17:01 or later)"
    ]
    ready.refresh_from_db()
    assert ready.state == Competition.State.DRAFT

    services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)


def test_the_minimum_period_is_the_municipalitys_setting(ready, finance_staff):
    ready.municipality.min_submission_days = 45
    ready.municipality.save()
    with pytest.raises(ValidationError, match="at least 45 days"):
        services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)


@pytest.mark.parametrize(
    ("spoil", "messages"),
    [
        (
            lambda c: c.criteria.filter(weight=20).update(weight=25),
            ["Make the weights add up to 100 (now 105)"],
        ),
        (
            lambda c: c.commission.filter(role="member").first().delete(),
            ["Appoint at least 3 commission members (now 2)"],
        ),
        (
            lambda c: c.commission.filter(role="chair").update(role="secretary"),
            ["Appoint a chair of the commission"],
        ),
        (
            lambda c: PriorityIssue.objects.filter(pk=c.priority_issue_id).update(
                state="draft", title="Homeless people"
            ),
            ["Approve the priority issue “Homeless people”"],
        ),
    ],
    ids=["weights", "commission-size", "chair", "issue-not-approved"],
)
def test_each_publishing_check_says_what_to_do(ready, finance_staff, spoil, messages):
    spoil(ready)
    with pytest.raises(ValidationError) as info:
        services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert info.value.messages == messages
    ready.refresh_from_db()
    assert ready.state == Competition.State.DRAFT
    assert verbs(ready) == []


@pytest.mark.parametrize(
    ("budget", "max_grant", "message"),
    [
        (Decimal("0"), Decimal("0"), "Set a total budget of more than zero"),
        (
            Decimal("100000"),
            Decimal("100000.01"),
            "Lower the maximum grant to at most the total budget "
            "(now KGS\u00a0100,000.01 of KGS\u00a0100,000)",
        ),
    ],
)
def test_money_checks_the_database_also_guards(ready, budget, max_grant, message):
    """Forms and database constraints stop these before publishing; the rule still names them."""
    ready.budget, ready.max_grant = budget, max_grant
    assert message in publish_problems(ready, at=PUBLISHED_AT)


def test_all_failing_checks_are_listed_at_once(municipality, finance_staff):
    empty = CompetitionFactory(municipality=municipality, deadline=DEADLINE)
    with pytest.raises(ValidationError) as info:
        services.competition_publish(competition=empty, by=finance_staff, at=PUBLISHED_AT)
    # Weights cannot add up without criteria: that check waits, it is not done.
    assert info.value.messages == [
        "Add at least one evaluation criterion",
        "Give the criteria weights that add up to 100",
        "Appoint at least 3 commission members (now 0)",
        "Appoint a chair of the commission",
    ]


def test_only_a_draft_is_published(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.competition_publish(competition=competition, by=finance_staff)


@pytest.mark.parametrize("persona", ["other_staff", "nco_member", "consultant", "admin_user"])
def test_only_the_municipalitys_staff_publish(ready, persona, request):
    with pytest.raises(PermissionDenied):
        services.competition_publish(competition=ready, by=request.getfixturevalue(persona), at=PUBLISHED_AT)


# The deadline: every read treats a passed deadline as closed -----------------------------------


def test_a_published_competition_is_open_until_its_deadline_and_closed_from_it(ready, finance_staff):
    competition = services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert competition.effective_state_at(DEADLINE - SECOND) == Competition.State.PUBLISHED
    assert competition.effective_state_at(DEADLINE) == Competition.State.CLOSED
    assert competition.effective_state_at(DEADLINE + SECOND) == Competition.State.CLOSED

    def annotated(at):
        return Competition.objects.with_effective_state(at).get(pk=competition.pk).effective_state

    assert annotated(DEADLINE - SECOND) == "published"
    assert annotated(DEADLINE + SECOND) == "closed"
    assert list(Competition.objects.open_for_submissions(DEADLINE - SECOND)) == [competition]
    assert list(Competition.objects.open_for_submissions(DEADLINE + SECOND)) == []


def test_the_deadline_is_read_in_bishkek_time(ready):
    assert ready.deadline_local.hour == 17
    assert ready.deadline_local.utcoffset() == datetime.timedelta(hours=6)
    assert ready.deadline == datetime.datetime(2026, 12, 22, 11, 0, tzinfo=datetime.UTC)


def test_closing_happens_only_from_the_deadline(ready, finance_staff):
    competition = services.competition_publish(competition=ready, by=finance_staff, at=PUBLISHED_AT)
    assert services.competition_close(competition=competition, at=DEADLINE - SECOND) is False
    assert services.competition_close(competition=competition, at=DEADLINE + SECOND) is True
    assert services.competition_close(competition=competition, at=DEADLINE + 2 * SECOND) is False
    competition.refresh_from_db()
    assert competition.state == Competition.State.CLOSED
    closing = AuditEvent.objects.for_target(competition).get(verb="competition.closed")
    assert closing.actor is None


def test_the_periodic_task_closes_what_has_passed_and_is_safe_to_repeat(municipality):
    passed = CompetitionFactory(municipality=municipality, past_deadline=True)
    still_open = CompetitionFactory(municipality=municipality, published=True)
    assert close_competitions_past_deadline.delay().get() == 1
    assert close_competitions_past_deadline.delay().get() == 0
    passed.refresh_from_db()
    still_open.refresh_from_db()
    assert (passed.state, still_open.state) == ("closed", "published")


# Evaluation, completion, cancellation -----------------------------------------------------------


def test_evaluation_starts_after_the_deadline_even_before_the_task_ran(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    started = services.competition_start_evaluation(competition=competition, by=finance_staff)
    assert started.state == Competition.State.EVALUATION
    assert verbs(competition) == ["competition.closed", "competition.evaluation_started"]


def test_evaluation_cannot_start_before_the_deadline(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True)
    with pytest.raises(ValidationError, match="only after the submission deadline"):
        services.competition_start_evaluation(competition=competition, by=finance_staff)
    competition.refresh_from_db()
    assert competition.state == Competition.State.PUBLISHED


@pytest.mark.parametrize("state", ["draft", "published", "closed", "completed", "cancelled"])
def test_only_an_evaluation_completes(municipality, finance_staff, state):
    competition = CompetitionFactory(municipality=municipality, **({state: True} if state != "draft" else {}))
    with pytest.raises(ValidationError):
        services.competition_complete(competition=competition, by=finance_staff)


def test_completing(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, evaluation=True)
    done = services.competition_complete(competition=competition, by=finance_staff)
    assert done.state == Competition.State.COMPLETED
    assert done.completed_at is not None


@pytest.mark.parametrize("state", ["draft", "published", "closed", "evaluation"])
def test_cancelling_from_any_state_before_completion(municipality, finance_staff, state):
    competition = CompetitionFactory(municipality=municipality, **({state: True} if state != "draft" else {}))
    cancelled = services.competition_cancel(
        competition=competition, by=finance_staff, reason="Budget withdrawn"
    )
    assert cancelled.state == Competition.State.CANCELLED
    event = AuditEvent.objects.for_target(competition).get(verb="competition.cancelled")
    assert event.details == {"reason": "Budget withdrawn", "previous_state": state}


@pytest.mark.parametrize("state", ["completed", "cancelled"])
def test_a_finished_competition_cannot_be_cancelled(municipality, finance_staff, state):
    competition = CompetitionFactory(municipality=municipality, **{state: True})
    with pytest.raises(ValidationError):
        services.competition_cancel(competition=competition, by=finance_staff, reason="x")


def test_cancelling_needs_a_reason(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True)
    with pytest.raises(ValidationError):
        services.competition_cancel(competition=competition, by=finance_staff, reason="  ")
    competition.refresh_from_db()
    assert competition.state == Competition.State.PUBLISHED


# Frozen terms and amendments ----------------------------------------------------------------


def test_published_terms_are_frozen(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    with pytest.raises(ValidationError, match="amendment"):
        services.competition_update(competition=competition, by=finance_staff, data={"title": "New"})
    with pytest.raises(ValidationError):
        services.competition_set_criteria(
            competition=competition, by=finance_staff, criteria=[services.CriterionData("Only", "", 10, 100)]
        )
    assert competition.criteria.count() == 3


def test_an_amendment_keeps_the_deadline_when_enough_time_remains(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, deadline=DEADLINE)
    at = DEADLINE - datetime.timedelta(days=31)
    amendment = services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="The budget is larger.",
        changes={"budget": Decimal("500000")},
        at=at,
    )
    competition.refresh_from_db()
    assert competition.budget == Decimal("500000")
    assert competition.deadline == DEADLINE
    assert (amendment.number, amendment.deadline_extended) == (1, False)
    assert amendment.changes == {"budget": ["400000.00", "500000"]}
    assert verbs(competition) == ["competition.amended"]


def test_an_amendment_extends_the_deadline_to_the_minimum_period(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, deadline=DEADLINE)
    at = DEADLINE - datetime.timedelta(days=10)
    amendment = services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="A new required document.",
        changes={"description": "Also attach a letter of support."},
        at=at,
    )
    competition.refresh_from_db()
    assert competition.deadline == at + datetime.timedelta(days=30)
    assert amendment.previous_deadline == DEADLINE
    assert amendment.deadline_extended
    event = AuditEvent.objects.for_target(competition).get(verb="competition.amended")
    assert event.details["deadline_extended_for_minimum_period"] is True


def test_a_deadline_moved_by_itself_keeps_its_time_of_day(municipality, finance_staff):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=DEADLINE,
        project_start=DEADLINE.date() + datetime.timedelta(days=60),
    )
    at = DEADLINE - datetime.timedelta(days=10) + datetime.timedelta(hours=3)  # 20:00, 10 days before
    amendment = services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="A new required document.",
        changes={"description": "Also attach a letter of support."},
        at=at,
    )
    competition.refresh_from_db()
    # 30 days from 20:00 is after 17:00 that day: the next day at 17:00, never 20:00.
    assert competition.deadline == DEADLINE + datetime.timedelta(days=21)
    assert competition.deadline.astimezone(BISHKEK).hour == 17
    assert amendment.minimum_period_days == 30
    assert amendment.changes["deadline"] == ["2026-12-22T11:00:00+00:00", "2027-01-12T11:00:00+00:00"]


def test_a_deadline_chosen_too_soon_moves_as_well(municipality, finance_staff):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=DEADLINE,
        project_start=DEADLINE.date() + datetime.timedelta(days=60),
    )
    at = DEADLINE - datetime.timedelta(days=10)
    services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="Two more days.",
        changes={"deadline": DEADLINE + datetime.timedelta(days=2)},
        at=at,
    )
    competition.refresh_from_db()
    assert competition.deadline == at + datetime.timedelta(days=30)


def test_an_amendment_never_shortens_the_deadline_and_needs_a_change(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, published=True, deadline=DEADLINE)
    at = DEADLINE - datetime.timedelta(days=35)
    with pytest.raises(ValidationError):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="Earlier",
            changes={"deadline": DEADLINE - datetime.timedelta(days=1)},
            at=at,
        )
    with pytest.raises(ValidationError, match="Nothing"):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="Same",
            changes={"budget": competition.budget},
            at=at,
        )
    with pytest.raises(ValidationError):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="Too big a grant",
            changes={"max_grant": Decimal("900000")},
            at=at,
        )
    competition.refresh_from_db()
    assert competition.deadline == DEADLINE
    assert not competition.amendments.exists()


def test_only_an_open_competition_is_amended(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    with pytest.raises(ValidationError, match="open for proposals"):
        services.competition_amend(
            competition=competition, by=finance_staff, explanation="Late", changes={"description": "x"}
        )


# Rows: criteria, documents, eligibility ------------------------------------------------------


def test_criteria_are_replaced_in_order(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality)
    EvaluationCriterionFactory(competition=competition, name="Old")
    services.competition_set_criteria(
        competition=competition,
        by=finance_staff,
        criteria=[
            services.CriterionData("Relevance", "", 10, 60),
            services.CriterionData("Budget", "", 5, 40),
        ],
    )
    assert list(competition.criteria.values_list("name", "position", "weight")) == [
        ("Relevance", 0, 60),
        ("Budget", 1, 40),
    ]
    assert verbs(competition) == ["competition.criteria_set"]


@pytest.mark.parametrize(
    "criteria",
    [
        [services.CriterionData("Relevance", "", 10, 60), services.CriterionData("Budget", "", 5, 30)],
        [services.CriterionData("Relevance", "", 10, 50), services.CriterionData("relevance ", "", 5, 50)],
    ],
    ids=["weights-not-100", "duplicate-names"],
)
def test_bad_criteria_change_nothing(municipality, finance_staff, criteria):
    competition = CompetitionFactory(municipality=municipality, criteria=True)
    with pytest.raises(ValidationError):
        services.competition_set_criteria(competition=competition, by=finance_staff, criteria=criteria)
    assert competition.criteria.count() == 3


def test_eligibility_and_documents(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality)
    services.competition_set_eligibility(
        competition=competition, by=finance_staff, requirements=[services.RequirementData("Registered NCO")]
    )
    services.competition_set_required_documents(
        competition=competition,
        by=finance_staff,
        documents=[services.DocumentData("Charter", "scan"), services.DocumentData("Budget")],
    )
    assert list(competition.eligibility_requirements.values_list("text", flat=True)) == ["Registered NCO"]
    assert list(competition.required_documents.values_list("name", "description")) == [
        ("Charter", "scan"),
        ("Budget", ""),
    ]


def test_a_commission_member_can_only_sit_once(municipality):
    member = CommissionMemberFactory()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionMemberFactory(competition=member.competition, user=member.user)
