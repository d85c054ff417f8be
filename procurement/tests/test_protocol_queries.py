"""The evaluation protocol is read in a fixed number of queries, whatever the size of the competition."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from procurement.documents import protocol
from procurement.factories import ApplicationFactory
from procurement.models import Competition
from procurement.tests.competition_in_evaluation import build, score, sign

pytestmark = pytest.mark.django_db


def _competition_of(municipality, applications: int) -> Competition:
    """A competition with ``applications`` eligible applications, a commission of three and every
    sheet submitted but one, which member 2 keeps as a draft."""
    evaluation = build(municipality)
    for number in range(applications - len(evaluation.applications)):
        evaluation.applications.append(
            ApplicationFactory(
                competition=evaluation.competition, organization__name=f"Organization {number}", eligible=True
            )
        )
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
        for application in evaluation.applications:
            draft = user == evaluation.member2 and application == evaluation.applications[0]
            score(evaluation, user, application, [7, 4], submit=not draft)
    return evaluation.competition


def _queries_to_render(competition: Competition) -> tuple[int, str]:
    subject = Competition.objects.get(pk=competition.pk)  # as the rendering task loads it
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(protocol.template, protocol.context(subject))
    return len(queries), html


def test_the_protocol_is_read_in_the_same_queries_for_3_and_for_15_applications(municipality):
    small, small_html = _queries_to_render(_competition_of(municipality, 3))
    large, large_html = _queries_to_render(_competition_of(municipality, 15))
    # The commission with its declarations (3), the applications, the sheets' states, the submitted
    # sheets and their scores, the municipality, the criteria (twice), the ranking (2), the awards.
    assert small == large == 13
    # Every submitted sheet is on it, the draft one is not.
    assert small_html.count("Bakyt Toktosunov") > 0
    assert large_html.count("on Relevance") == 3 * 15 - 1
    assert small_html.count("on Relevance") == 3 * 3 - 1
