from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring import permissions, selectors
from monitoring.forms import ContractForm
from monitoring.services.projects import project_create_from_award
from organizations.models import Municipality
from procurement.models import Award
from ssp_portal.audit.selectors import audit_timeline


def _contracting_municipality(request: HttpRequest, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    if not permissions.can_contract(request.user, municipality):
        raise Http404
    return municipality


def _contract_forms(awards, bound: tuple[int, ContractForm] | None = None) -> list:
    rows = []
    for award in awards:
        if bound and bound[0] == award.pk:
            rows.append((award, bound[1]))
            continue
        competition = award.competition
        rows.append(
            (
                award,
                ContractForm(
                    prefix=f"award-{award.pk}",
                    initial={
                        "contract_number": f"{competition.reference}/{award.rank}",
                        "start_date": competition.project_start,
                        "end_date": competition.project_end,
                    },
                ),
            )
        )
    return rows


@login_required
@require_GET
def municipality_projects(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = _contracting_municipality(request, slug)
    return render(
        request,
        "monitoring/municipality_projects.html",
        {
            "municipality": municipality,
            "to_contract": _contract_forms(selectors.awards_to_contract(municipality=municipality)),
            "projects": selectors.projects_of_municipality(municipality=municipality),
        },
    )


@login_required
@require_POST
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("competition__municipality", "application__organization"), pk=pk
    )
    municipality = award.competition.municipality
    if not permissions.can_contract(request.user, municipality):
        raise Http404
    form = ContractForm(request.POST, prefix=f"award-{award.pk}")
    if form.is_valid():
        try:
            project = project_create_from_award(award=award, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.error_dict) <= {*form.fields, NON_FIELD_ERRORS}:
                form.add_error(None, exc)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The grant agreement is recorded; the project has started."))
            return redirect(project)
    awards = selectors.awards_to_contract(municipality=municipality)
    return render(
        request,
        "monitoring/municipality_projects.html",
        {
            "municipality": municipality,
            "to_contract": _contract_forms(awards, bound=(award.pk, form)),
            "projects": selectors.projects_of_municipality(municipality=municipality),
        },
        status=400,
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(user=request.user, pk=pk)
    if project is None:
        raise Http404
    return render(
        request,
        "monitoring/project_detail.html",
        {
            "project": project,
            "manager": permissions.can_manage_project(request.user, project),
            "events": audit_timeline(target=project),
        },
    )
