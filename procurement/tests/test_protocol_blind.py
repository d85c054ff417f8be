"""The evaluation protocol and reopened sheets keep the scoring blind."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from procurement.documents import PROTOCOL
from procurement.models import ScoreSheet
from procurement.services import evaluation as services
from procurement.tests.competition_in_evaluation import score, sign
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def partly_scored(evaluation):
    """Every member has declared; the chair and member 1 have scored everything; member 2 has one
    draft sheet and nothing else."""
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
    for user in (evaluation.chair, evaluation.member1):
        for application in evaluation.applications:
            score(evaluation, user, application, [7, 4])
    score(evaluation, evaluation.member2, evaluation.applications[0], [1, 1], submit=False)
    return evaluation


def _protocol(partly_scored, by, django_capture_on_commit_callbacks) -> tuple[Document, str]:
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=partly_scored.competition, kind=PROTOCOL, requested_by=by, language="en"
        )
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error
    return document, " ".join(pdf_text(document.file.read()).split())


def test_a_protocol_before_every_sheet_is_in_is_a_draft_without_draft_sheets(
    partly_scored, finance_staff, django_capture_on_commit_callbacks
):
    draft_sheet = ScoreSheet.objects.get(member__user=partly_scored.member2)
    assert draft_sheet.state == ScoreSheet.State.DRAFT
    ScoreSheet.objects.filter(pk=draft_sheet.pk).update(overall_comment="Unfinished thoughts")
    document, text = _protocol(partly_scored, finance_staff, django_capture_on_commit_callbacks)
    assert "DRAFT. Not every member has submitted" in text
    # On every page, in the page's margin.
    pages = pdf_text(document.file.open("rb").read()).count("DRAFT: not every score sheet is submitted")
    assert pages == text.count("Page ") >= 1
    # The draft sheet is its member's alone; the submitted ones are there.
    assert "Unfinished thoughts" not in text
    assert text.count("overall") == 2 * len(partly_scored.applications)


def test_the_protocol_is_final_once_every_sheet_is_in(
    partly_scored, finance_staff, django_capture_on_commit_callbacks
):
    for application in partly_scored.applications:
        score(partly_scored, partly_scored.member2, application, [5, 3])
    _document, text = _protocol(partly_scored, finance_staff, django_capture_on_commit_callbacks)
    assert "DRAFT" not in text


def test_a_member_downloads_the_protocol_only_under_the_ranking_rule(
    client, partly_scored, finance_staff, django_capture_on_commit_callbacks
):
    document, _text = _protocol(partly_scored, finance_staff, django_capture_on_commit_callbacks)
    url = reverse("documents:download", args=[document.pk])
    client.force_login(partly_scored.member2)  # has not submitted their sheets
    assert client.get(url).status_code == 404
    client.force_login(partly_scored.member1)  # has
    assert client.get(url).status_code == 200


def test_the_chair_cannot_reopen_their_own_sheet(client, partly_scored, finance_staff):
    own = ScoreSheet.objects.get(member__user=partly_scored.chair, application=partly_scored.applications[0])
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(sheet=own, by=partly_scored.chair, reason="I saw the others")
    client.force_login(partly_scored.chair)
    assert client.get(reverse("procurement:sheet-reopen", args=[own.pk])).status_code == 404
    page = client.get(
        reverse("procurement:evaluation", args=[partly_scored.competition.reference])
    ).content.decode()
    assert reverse("procurement:sheet-reopen", args=[own.pk]) not in page
    other = ScoreSheet.objects.get(
        member__user=partly_scored.member1, application=partly_scored.applications[0]
    )
    assert reverse("procurement:sheet-reopen", args=[other.pk]) in page
    # Someone else reopens the chair's sheet, with a reason.
    with pytest.raises(Exception, match="Say why"):
        services.sheet_reopen(sheet=own, by=finance_staff, reason="  ")
    reopened = services.sheet_reopen(sheet=own, by=finance_staff, reason="A score was typed in the wrong row")
    assert reopened.state == ScoreSheet.State.DRAFT
