"""The publishing checklist: a fact when done, what to do when not, and where to do it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from procurement import rules
from procurement.factories import CompetitionFactory, PriorityIssueFactory, add_commission
from procurement.models import EvaluationCriterion
from procurement.views.competitions import publish_checklist

pytestmark = pytest.mark.django_db

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=BISHKEK)


def checklist(competition) -> list[tuple[bool, str]]:
    return [(check.ok, check.message) for check in rules.publish_checks(competition, at=NOW)]


def test_a_ready_draft_states_each_fact(municipality):
    issue = PriorityIssueFactory(municipality=municipality, title="Homeless people")
    competition = CompetitionFactory(
        municipality=municipality,
        priority_issue=issue,
        ready=True,
        deadline=datetime.datetime(2026, 4, 11, 17, tzinfo=BISHKEK),
    )
    chair = competition.commission.get(role="chair").user
    assert checklist(competition) == [
        (True, "Total budget KGS\u00a0400,000"),
        (True, "At most KGS\u00a0200,000 per project"),
        (True, "Applicants have 40 days until the deadline (at least 30)"),
        (True, "The priority issue “Homeless people” is approved"),
        (True, "3 evaluation criteria"),
        (True, "Their weights add up to 100"),
        (True, "3 commission members"),
        (True, f"Chair: {chair.get_full_name()}"),
        (True, "Written in Kyrgyz and Russian"),
    ]


def test_an_empty_draft_says_what_to_do_and_weights_are_not_done_without_criteria(municipality):
    competition = CompetitionFactory(
        municipality=municipality, deadline=datetime.datetime(2026, 3, 20, 17, tzinfo=BISHKEK)
    )
    left = [message for ok, message in checklist(competition) if not ok]
    assert left == [
        "Move the deadline to at least 30 days after today (1 April 2026, 09:30 or later)",
        "Add at least one evaluation criterion",
        "Give the criteria weights that add up to 100",
        "Appoint at least 3 commission members (now 0)",
        "Appoint a chair of the commission",
    ]
    assert rules.publish_problems(competition, at=NOW) == left


def test_weights_that_do_not_add_up_say_the_sum(municipality):
    competition = CompetitionFactory(municipality=municipality)
    for position, weight in enumerate((35, 30, 20)):
        EvaluationCriterion.objects.create(
            competition=competition, position=position, name=f"C{position}", max_score=10, weight=weight
        )
    assert (False, "Make the weights add up to 100 (now 85)") in checklist(competition)
    assert (True, "3 evaluation criteria") in checklist(competition)


def test_a_commission_without_a_chair(municipality):
    competition = CompetitionFactory(municipality=municipality)
    add_commission(competition)
    competition.commission.filter(role="chair").update(role="member")
    assert (True, "3 commission members") in checklist(competition)
    assert (False, "Appoint a chair of the commission") in checklist(competition)


def test_the_earliest_deadline_is_the_next_whole_minute(municipality):
    competition = CompetitionFactory(
        municipality=municipality, deadline=datetime.datetime(2026, 3, 20, 17, tzinfo=BISHKEK)
    )
    at = NOW + datetime.timedelta(seconds=1)
    messages = rules.publish_problems(competition, at=at)
    assert messages[0] == "Move the deadline to at least 30 days after today (1 April 2026, 09:31 or later)"


def test_each_check_links_to_the_page_where_it_is_done(municipality):
    competition = CompetitionFactory(municipality=municipality)
    pages = {check.message: url for check, url in publish_checklist(competition, at=NOW)}
    ref = competition.reference
    assert pages["Add at least one evaluation criterion"] == reverse(
        "procurement:competition-criteria", args=[ref]
    )
    assert pages["Appoint a chair of the commission"] == reverse(
        "procurement:competition-commission", args=[ref]
    )
    assert pages["Total budget KGS\u00a0400,000"] == reverse("procurement:competition-edit", args=[ref])
    issue = next(url for message, url in pages.items() if "priority issue" in message)
    assert issue == reverse("procurement:priority-issue-manage", args=[municipality.slug])
