"""A repeated reminder run reads only what is due: nothing sent already is tried again, and it asks
the database the same few queries whatever the number of reminders sent before."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.factories import OrganizationMembershipFactory, UserFactory
from procurement.factories import ApplicationFactory, CommissionMemberFactory, CompetitionFactory
from procurement.models import CommissionMember
from procurement.services.reminders import remind_missing_score_sheets, remind_unsent_drafts
from procurement.tests.competition_in_evaluation import build, score, sign
from ssp_portal.notifications.models import Reminder

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def run(remind, django_capture_on_commit_callbacks, now=NOW) -> tuple[int, list[str]]:
    """How many reminders a run sends, and the SQL it asked."""
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        sent = remind(now=now)
    return sent, [q["sql"] for q in queries.captured_queries]


def writes(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "SAVEPOINT"))]


def _drafts(municipality, count: int):
    """``count`` drafts, each of an organization of two members, closing in two days."""
    competition = CompetitionFactory(
        municipality=municipality, published=True, deadline=NOW + datetime.timedelta(days=2)
    )
    for _ in range(count):
        draft = ApplicationFactory(competition=competition)
        OrganizationMembershipFactory.create_batch(2, organization=draft.organization)
    return competition


@pytest.mark.parametrize("count", [3, 15])
def test_a_second_draft_run_tries_nothing_again_in_two_queries(
    count, municipality, django_capture_on_commit_callbacks
):
    _drafts(municipality, count)
    sent, _sql = run(remind_unsent_drafts, django_capture_on_commit_callbacks)
    assert sent == 2 * count
    sent, sql = run(remind_unsent_drafts, django_capture_on_commit_callbacks)
    assert sent == 0
    assert writes(sql) == []
    # The members still to remind, none; nothing else is read.
    assert len(sql) == 1
    assert Reminder.objects.count() == 2 * count


def test_a_draft_started_after_a_run_is_reminded_by_the_next(
    municipality, django_capture_on_commit_callbacks
):
    competition = _drafts(municipality, 3)
    assert run(remind_unsent_drafts, django_capture_on_commit_callbacks)[0] == 6
    late = ApplicationFactory(competition=competition)
    member = OrganizationMembershipFactory(organization=late.organization).user
    OrganizationMembershipFactory(organization=late.organization, user__is_active=False)
    mail.outbox.clear()
    sent, sql = run(remind_unsent_drafts, django_capture_on_commit_callbacks)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert len([s for s in writes(sql) if "notifications_reminder" in s]) == 1


def _evaluations(municipality, count: int) -> None:
    """``count`` competitions under evaluation for four days, each with a commission of three who
    have not declared."""
    for _ in range(count):
        competition = CompetitionFactory(
            municipality=municipality,
            evaluation=True,
            evaluation_started_at=NOW - datetime.timedelta(days=4),
        )
        ApplicationFactory(competition=competition, eligible=True)
        for role in (CommissionMember.Role.CHAIR, CommissionMember.Role.MEMBER, CommissionMember.Role.MEMBER):
            CommissionMemberFactory(competition=competition, user=UserFactory(), role=role)


@pytest.mark.parametrize("count", [2, 6])
def test_a_second_scoring_run_tries_nothing_again_in_one_query(
    count, municipality, django_capture_on_commit_callbacks
):
    _evaluations(municipality, count)
    sent, _sql = run(remind_missing_score_sheets, django_capture_on_commit_callbacks)
    assert sent == 3 * count
    sent, sql = run(remind_missing_score_sheets, django_capture_on_commit_callbacks)
    assert sent == 0
    assert writes(sql) == []
    assert len(sql) == 1


def test_a_member_done_is_not_a_candidate_and_one_with_work_left_is(
    municipality, django_capture_on_commit_callbacks
):
    evaluation = build(municipality)
    started = evaluation.competition.evaluation_started_at
    sign(evaluation, evaluation.chair)
    for application in evaluation.applications:
        score(evaluation, evaluation.chair, application, [5, 5])
    # Member 1 is conflicted with A and has scored B and C: nothing left to do.
    sign(
        evaluation, evaluation.member1, conflicts=[(evaluation.applications[0].organization, "Board member")]
    )
    for application in evaluation.applications[1:]:
        score(evaluation, evaluation.member1, application, [5, 5])
    # Member 2 has declared and left C as a draft.
    sign(evaluation, evaluation.member2)
    for application in evaluation.applications:
        score(
            evaluation,
            evaluation.member2,
            application,
            [5, 5],
            submit=application.pk != evaluation.applications[2].pk,
        )
    sent, _sql = run(
        remind_missing_score_sheets,
        django_capture_on_commit_callbacks,
        now=started + datetime.timedelta(days=3.5),
    )
    assert sent == 1
    [message] = mail.outbox
    assert message.to == [evaluation.member2.email]
    assert "1 score sheet of competition" in message.body
