"""The row editors of a competition: its criteria, required documents, eligibility requirements and
commission, each edited as one table (one language at a time for rows with texts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from procurement.forms import competitions as forms
from procurement.models import Competition
from procurement.models.competitions import commission_order
from procurement.services import commission as commission_services
from procurement.services import competitions as services
from procurement.views import access
from ssp_portal.languages import LANGUAGES, NATIVE_NAMES, current_language
from ssp_portal.rows.forms import RowsFormSet
from ssp_portal.rows.views import edit_rows

PAGE_SIZE = 20


@dataclass(frozen=True)
class RowsPage:
    """One kind of rows edited on the competition's page: criteria, documents, requirements, commission.

    Rows with ``texts`` are edited one language at a time (``?lang=ky``): the page's language by
    default, the other languages' texts of each row shown under its fields.
    """

    title: str
    formset: type[RowsFormSet]
    rows: Callable[[Competition, str], list[dict[str, Any]]]
    save: Callable[[Competition, Any, list[dict[str, Any]], str], bool]
    #: Why the list cannot change now ("" when it can): the page is then shown read-only.
    refusal: Callable[[Competition], str]
    help: str = ""
    texts: tuple[str, ...] = ()


def _in_language(
    objects: Any, language: str | None, texts: tuple[str, ...], shared: tuple[str, ...] = ()
) -> list:
    """Rows as the editor of ``language`` (the page's by default) shows them: that language's
    texts, the shared fields, and the other languages' texts (``other_languages``: shown only)."""
    language = language or current_language()
    return [
        {
            "id": x.pk,
            **{name: getattr(x, f"{name}_{language}") or "" for name in texts},
            **{name: getattr(x, name) for name in shared},
            "other_languages": {
                name: [
                    (code, getattr(x, f"{name}_{code}"))
                    for code in LANGUAGES
                    if code != language and getattr(x, f"{name}_{code}")
                ]
                for name in texts
            },
        }
        for x in objects
    ]


def _save_criteria(
    competition: Competition, by: Any, rows: list[dict[str, Any]], language: str | None = None
) -> bool:
    return services.competition_set_criteria(
        competition=competition,
        by=by,
        criteria=[services.CriterionData(**row) for row in rows],
        language=language,
    )


def _save_commission(
    competition: Competition, by: Any, rows: list[dict[str, Any]], language: str | None = None
) -> bool:
    return commission_services.commission_set(
        competition=competition, by=by, members=[commission_services.MemberData(**row) for row in rows]
    )


ROWS_PAGES = {
    "criteria": RowsPage(
        title=gettext_lazy("Evaluation criteria"),
        formset=forms.CriterionFormSet,
        rows=lambda c, language=None: _in_language(
            c.criteria.all(), language, ("name", "description"), ("max_score", "weight")
        ),
        save=_save_criteria,
        refusal=lambda c: services.competition_rows_refusal(c, services.CRITERIA.what),
        help=gettext_lazy("In the order the commission scores them. The weights add up to 100."),
        texts=("name", "description"),
    ),
    "documents": RowsPage(
        title=gettext_lazy("Documents applicants attach"),
        formset=forms.RequiredDocumentFormSet,
        rows=lambda c, language=None: _in_language(
            c.required_documents.all(), language, ("name", "description")
        ),
        save=lambda c, by, rows, language=None: services.competition_set_required_documents(
            competition=c, by=by, documents=[services.DocumentData(**row) for row in rows], language=language
        ),
        refusal=lambda c: services.competition_rows_refusal(c, services.DOCUMENTS.what),
        texts=("name", "description"),
    ),
    "eligibility": RowsPage(
        title=gettext_lazy("Eligibility requirements"),
        formset=forms.EligibilityFormSet,
        rows=lambda c, language=None: _in_language(c.eligibility_requirements.all(), language, ("text",)),
        save=lambda c, by, rows, language=None: services.competition_set_eligibility(
            competition=c,
            by=by,
            requirements=[services.RequirementData(**row) for row in rows],
            language=language,
        ),
        refusal=lambda c: services.competition_rows_refusal(c, services.REQUIREMENTS.what),
        help=gettext_lazy("Applications are screened against these after the deadline."),
        texts=("text",),
    ),
    "commission": RowsPage(
        title=gettext_lazy("Commission"),
        formset=forms.CommissionFormSet,
        rows=lambda c, language=None: [
            {
                "id": m.pk,
                "email": m.user.email,
                "full_name": m.user.full_name,
                "role": m.role,
                "affiliation": m.affiliation,
            }
            for m in c.commission.select_related("user").order_by(*commission_order())
        ],
        save=_save_commission,
        refusal=commission_services.commission_refusal,
        help=gettext_lazy(
            "At least three members and one chair. People without an account get an e-mail invitation "
            "to choose a password. To replace a member, remove the row and add the new person."
        ),
    ),
}


def texts_language(request: HttpRequest) -> str:
    """The language whose texts a row editor edits: ``?lang=``, else the page's."""
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGES else current_language()


def _rows_view(kind: str) -> Callable[[HttpRequest, str], HttpResponse]:
    page = ROWS_PAGES[kind]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        competition = access.managed_competition(request, reference)
        language = texts_language(request)
        formset = page.formset(
            request.POST or None,
            rows=page.rows(competition, language),
            read_only=page.refusal(competition),
            prefix=kind,
        )
        here = reverse(f"procurement:competition-{kind}", args=[reference])
        return edit_rows(
            request,
            formset=formset,
            save=lambda: page.save(competition, request.user, formset.rows(), language),
            template="procurement/competition_rows.html",
            context={
                "competition": competition,
                "title": page.title,
                "help": page.help,
                "back_url": competition.get_absolute_url(),
                "texts_language": language if page.texts else None,
                "languages": [(code, NATIVE_NAMES[code], f"{here}?lang={code}") for code in LANGUAGES]
                if page.texts
                else [],
            },
            done=competition.get_absolute_url(),
            saved=_("%(what)s: saved.") % {"what": page.title},
        )

    view.__name__ = f"competition_{kind}"
    return view


competition_criteria = _rows_view("criteria")
competition_documents = _rows_view("documents")
competition_eligibility = _rows_view("eligibility")
competition_commission = _rows_view("commission")
