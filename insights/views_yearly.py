"""The public page of a municipality's yearly report: the PDF in each language, prepared on request
by the documents' worker (``ssp_portal.documents``) and downloaded from there.

Anyone may ask for the first PDF of a year in a language, or for a new one when the last failed;
asking again while one is there (the figures of a year change while its projects run) is for the
municipality's staff and auditors, through the documents' own panel. So a visitor makes at most
one document per year and language, and the page itself changes nothing on a GET.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insights import figures, yearly
from insights.documents import YEARLY_REPORT
from insights.figures import Scope
from insights.models import YearlyReport
from organizations.models import Municipality
from ssp_portal.documents.models import Document
from ssp_portal.documents.registry import get_kind
from ssp_portal.documents.selectors import document_for_display
from ssp_portal.documents.services import document_request
from ssp_portal.languages import LANGUAGES, NATIVE_NAMES


@dataclass(frozen=True)
class Offer:
    """The report in one language: the documents' panel when there is something to show in it,
    and the page's own button for a visitor who may ask for it."""

    language: str
    name: str
    panel: bool
    prepare: bool


def _may_prepare(document: Document | None, *, staff: bool) -> bool:
    """A visitor asks for the first document of a language, or again after a failure."""
    return staff or document is None or document.state == Document.State.FAILED


def _offers(request: HttpRequest, report: YearlyReport | None) -> list[Offer]:
    kind = get_kind(YEARLY_REPORT)
    staff = report is not None and kind.requestable_by(request.user, report)
    offers = []
    for language in LANGUAGES:
        document = (
            document_for_display(subject=report, kind=YEARLY_REPORT, language=language, exact=True)
            if report is not None
            else None
        )
        panel = report is not None and (document is not None or staff)
        prepare = not staff and _may_prepare(document, staff=staff)
        offers.append(Offer(language, NATIVE_NAMES[language], panel, prepare))
    return offers


@require_http_methods(["GET", "POST"])
def yearly_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The yearly report of a year with announced competitions (any other year: 404)."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if request.method == "POST":
        return _prepare(request, municipality, year)
    years = figures.years_with_figures(Scope(municipality))
    if year not in years:
        raise Http404
    report = YearlyReport.objects.filter(municipality=municipality, year=year).first()
    return render(
        request,
        "insights/yearly_report.html",
        {
            "municipality": municipality,
            "year": year,
            "years": years,
            "report": report,
            "kind": YEARLY_REPORT,
            "offers": _offers(request, report),
        },
    )


def _prepare(request: HttpRequest, municipality: Municipality, year: int) -> HttpResponse:
    """Ask for the PDF in the language posted (else the page's), if this visitor may."""
    language = request.POST.get("language") or translation.get_language()
    if language not in LANGUAGES:
        raise Http404
    report = yearly.report_for(municipality, year)
    if report is None:
        raise Http404
    latest = document_for_display(subject=report, kind=YEARLY_REPORT, language=language, exact=True)
    staff = get_kind(YEARLY_REPORT).requestable_by(request.user, report)
    if _may_prepare(latest, staff=staff):
        requested_by = request.user if request.user.is_authenticated else None
        document_request(subject=report, kind=YEARLY_REPORT, requested_by=requested_by, language=language)
        messages.info(request, _("The document is being prepared. It will be ready in a moment."))
    return HttpResponseRedirect(
        reverse("insights:yearly-report", kwargs={"slug": municipality.slug, "year": year})
    )
