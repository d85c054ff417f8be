"""The evaluation protocol PDF: scores written in the document's language, and signature lines
for the whole commission, the chair and the secretary first."""

from __future__ import annotations

import re

import pytest

from organizations.factories import UserFactory
from procurement.documents import PROTOCOL
from procurement.factories import CommissionMemberFactory
from procurement.models import CommissionMember
from procurement.tests.competition_in_evaluation import score, sign
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_evaluation(evaluation):
    """Every member of the commission, and a secretary, has scored every eligible application."""
    # Appointed last, listed second: the chair, then the secretary, then the members.
    secretary = UserFactory(full_name="Cholpon Sydykova")
    CommissionMemberFactory(
        competition=evaluation.competition,
        user=secretary,
        role=CommissionMember.Role.SECRETARY,
        affiliation="Finance Department",
    )
    evaluation.secretary = secretary
    for user in (evaluation.chair, evaluation.member1, evaluation.member2, secretary):
        sign(evaluation, user)
        for application, values in zip(evaluation.applications, ([7, 4], [5, 3], [9, 2]), strict=True):
            score(evaluation, user, application, values)
    return evaluation


def protocol_text(scored_evaluation, language: str, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=scored_evaluation.competition,
            kind=PROTOCOL,
            requested_by=scored_evaluation.chair,
            language=language,
        )
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error
    return " ".join(pdf_text(document.file.read()).split())


def test_the_protocol_ends_with_a_signature_line_for_each_member(
    scored_evaluation, django_capture_on_commit_callbacks
):
    text = protocol_text(scored_evaluation, "en", django_capture_on_commit_callbacks)
    signatures = text[text.rindex("Signatures of the commission") :]
    lines = re.findall(r"(Nurlan Asanov|Cholpon Sydykova|Aigul Mamytova|Bakyt Toktosunov) (\w+)", signatures)
    assert lines == [
        ("Nurlan Asanov", "Chair"),
        ("Cholpon Sydykova", "Secretary"),
        ("Aigul Mamytova", "Member"),
        ("Bakyt Toktosunov", "Member"),
    ]
    assert "Secretary, Finance Department" in signatures
    # Each member has a line to sign on and one for the date.
    assert signatures.count("Signature Date") == 4
    # Nothing follows the signatures but the document's own note.
    assert signatures.index("Generated") > signatures.index("Bakyt Toktosunov")


def test_the_protocol_writes_scores_and_dates_in_its_language(
    scored_evaluation, django_capture_on_commit_callbacks
):
    russian = protocol_text(scored_evaluation, "ru", django_capture_on_commit_callbacks)
    kyrgyz = protocol_text(scored_evaluation, "ky", django_capture_on_commit_callbacks)
    english = protocol_text(scored_evaluation, "en", django_capture_on_commit_callbacks)
    # Application A: 7/10 and 4/5 weighted 60/40 = 74.00 from every member.
    assert "74,00" in russian and "74,00" in kyrgyz
    assert "74.00" in english
    for text in (russian, kyrgyz):
        assert "400 000 сом" in text
        assert not re.search(r"\d\.\d\d(?!\.\d)\b", re.sub(r"\d{2}\.\d{2}\.\d{4}", "", text))
    assert "KGS 400,000" in english
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", english)
