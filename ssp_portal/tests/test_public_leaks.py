"""What stays private never reaches a page someone may not read: over the demo, every page the
anonymous visitor, another organization's member and another municipality's staff reach from the
home page by links (the dashboards, public project pages, organizations' profiles, results and
competition pages among them) is searched for report attachments' names, review comments and
answers, the text of reports not accepted, sections of accepted reports their organization did not
make public, and the text of sealed applications."""

from __future__ import annotations

import html

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from monitoring.models import MonitoringReport, ReportAttachment, ReportRound
from organizations.models import Organization
from procurement.models import Application, ApplicationAttachment

pytestmark = pytest.mark.django_db

NARRATIVE = ("activities", "results", "problems")
# Shorter texts (a word, a number) could appear on a page for another reason.
SHORTEST = 16
# Who reads what of whom: the person, and the organizations whose private matters are secret to them.
OUTSIDERS = {
    None: None,  # the anonymous visitor: every organization's
    "finance@second.example": None,  # Naryn's staff: every organization's (the demo's are Karakol's)
    "ulukman@ngo.example": "Baldarga",  # another organization's member
}


def _texts(values) -> list[str]:
    return [text.strip() for text in values if isinstance(text, str) and len(text.strip()) >= SHORTEST]


def private_texts(organizations: QuerySet[Organization]) -> dict[str, str]:
    """Private text of ``organizations`` → what it is."""
    found: dict[str, str] = {}
    names = ReportAttachment.objects.filter(report__project__organization__in=organizations)
    for name in names.values_list("original_name", flat=True):
        found[name] = "a report attachment's name"
    for one in ReportRound.objects.filter(report__project__organization__in=organizations):
        for text in _texts([*one.comments.values(), *one.answers.values()]):
            found[text] = "a review comment or answer"
    for report in MonitoringReport.objects.filter(project__organization__in=organizations):
        public = set(report.public_sections) if report.state == MonitoringReport.State.ACCEPTED else set()
        for section in NARRATIVE:
            if section not in public:
                for text in _texts([getattr(report, section)]):
                    found[text] = f"the {section} of report {report.pk} ({report.state})"
    sealed = Application.objects.filter(
        organization__in=organizations, competition__deadline__gt=timezone.now()
    ).exclude(state=Application.State.DRAFT)
    for application in sealed:
        for text in _texts([application.project_title, application.summary, application.problem]):
            found[text] = "a sealed application's text"
    files = ApplicationAttachment.objects.filter(application__in=sealed)
    for name in files.values_list("original_name", flat=True):
        found[name] = "a sealed application's file"
    return found


def public_texts() -> set[str]:
    """What accepted reports make public (the demo's reports may share a text with a draft)."""
    shown = set()
    for report in MonitoringReport.objects.filter(state=MonitoringReport.State.ACCEPTED):
        shown |= {
            getattr(report, section).strip() for section in NARRATIVE if section in report.public_sections
        }
    return shown


def secrets(organization: str | None) -> dict[str, str]:
    """The private text of the organizations whose name holds ``organization`` (of every one when
    None), less what is also public or the reader's own (the demo's organizations may write the
    same words or name their files alike)."""
    matching = Organization.objects.filter(name__contains=organization or "")
    hidden = private_texts(matching)
    others = Organization.objects.exclude(pk__in=matching)
    own_files = ApplicationAttachment.objects.filter(application__organization__in=others)
    allowed = (
        public_texts() | set(private_texts(others)) | set(own_files.values_list("original_name", flat=True))
    )
    return {text: what for text, what in hidden.items() if text not in allowed}


@pytest.mark.parametrize("email", list(OUTSIDERS), ids=lambda email: email or "anonymous")
def test_no_private_text_on_the_pages_an_outsider_reaches(demo, email):
    hidden = secrets(OUTSIDERS[email])
    assert any("attachment" in what for what in hidden.values()), "the demo has no report attachment"
    assert any("comment" in what for what in hidden.values()), "the demo has no review comment"
    pages = demo.pages[email]
    reached = {page.url_name for page in pages}
    assert {"monitoring:project-detail", "insights:municipality-dashboard"} <= reached
    leaks = [
        (page.url, what)
        for page in pages
        for text, what in hidden.items()
        if text in html.unescape(page.html)
    ]
    assert leaks == []


def test_the_public_sections_of_accepted_reports_are_shown(demo):
    """The search above could pass by showing nothing: the public summary is there."""
    report = (
        MonitoringReport.objects.filter(state=MonitoringReport.State.ACCEPTED)
        .exclude(public_sections=[])
        .first()
    )
    assert report is not None, "the demo marks no section public"
    section = next(name for name in NARRATIVE if name in report.public_sections)
    shown = " ".join(
        html.unescape(page.html) for page in demo.pages[None] if page.url_name == "monitoring:project-detail"
    )
    assert getattr(report, section).strip()[:60] in shown
