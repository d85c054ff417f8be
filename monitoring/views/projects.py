"""The municipality's projects, the grant agreement that starts one, a project's page and its state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import exports as monitoring_exports
from monitoring import forms, permissions, selectors
from monitoring.filters import ProjectFilter, TrancheFilter
from monitoring.models import Project
from monitoring.services import projects as project_services
from monitoring.spending import spent_by_line
from monitoring.views import access, public
from organizations.models import Municipality
from procurement.models import Award
from ssp_portal import charts, exports, web
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale
from ssp_portal.paging import NarrowPaginator

# Contracting and the municipality's projects ---------------------------------------------------------


def _contract_forms(awards, bound: tuple[int, forms.ContractForm] | None = None) -> list:
    rows = []
    for award in awards:
        if bound and bound[0] == award.pk:
            rows.append((award, bound[1]))
            continue
        competition = award.competition
        initial = {
            "contract_number": f"{competition.reference}/{award.rank}",
            "start_date": competition.project_start,
            "end_date": competition.project_end,
        }
        rows.append((award, forms.ContractForm(prefix=f"award-{award.pk}", initial=initial)))
    return rows


PAGE_SIZE = 25


def _projects_filter(request: HttpRequest, municipality: Municipality) -> ProjectFilter:
    return ProjectFilter(
        request.GET,
        queryset=selectors.projects_of_municipality(municipality=municipality),
        municipality=municipality,
    )


def _projects_page(
    request: HttpRequest, municipality: Municipality, bound=None, status: int = 200
) -> HttpResponse:
    listed = _projects_filter(request, municipality)
    page = NarrowPaginator(listed.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/municipality_projects.html",
        {
            "municipality": municipality,
            "to_contract": _contract_forms(selectors.awards_to_contract(municipality=municipality), bound),
            "filter": listed,
            "page": page,
            "rows": selectors.project_rows(page.object_list),
        },
        status=status,
    )


@login_required
@require_GET
def municipality_projects(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's projects with their spending; as a file with ``?export=csv|xlsx``."""
    municipality = access.read_municipality(request, slug)
    if fmt := exports.requested(request):
        listed = _projects_filter(request, municipality).qs
        return monitoring_exports.projects_file(listed, fmt=fmt, municipality=municipality)
    return _projects_page(request, municipality)


@login_required
@require_GET
def municipality_tranches(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's tranches, the ones still to pay first; as a file with ``?export=``."""
    municipality = access.read_municipality(request, slug)
    listed = TrancheFilter(
        request.GET, queryset=selectors.tranches_of_municipality(municipality=municipality)
    )
    if fmt := exports.requested(request):
        return monitoring_exports.tranches_file(listed.qs, fmt=fmt, municipality=municipality)
    return render(
        request,
        "monitoring/municipality_tranches.html",
        {
            "municipality": municipality,
            "filter": listed,
            "page": NarrowPaginator(listed.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": selectors.tranche_total(listed.qs),
        },
    )


@login_required
@require_POST
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    award: Award = access.contracted_award(request, pk)
    form = forms.ContractForm(request.POST, prefix=f"award-{award.pk}")
    if form.is_valid():
        try:
            project = project_services.project_create_from_award(
                award=award, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            return web.done(request, _("The grant agreement is recorded; the project has started."), project)
    return _projects_page(request, award.competition.municipality, bound=(award.pk, form), status=400)


# The project ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateAction:
    """A button of the project's state card; it leads to the confirmation of the change."""

    state: str
    label: str
    style: str
    url: str


# How the state card offers each change; which changes a project allows is ``TRANSITIONS``.
STATE_BUTTONS = {
    Project.State.COMPLETED: (gettext_lazy("Mark completed"), "primary"),
    Project.State.ACTIVE: (gettext_lazy("Lift the suspension"), "success"),
    Project.State.SUSPENDED: (gettext_lazy("Suspend"), "warning"),
    Project.State.TERMINATED: (gettext_lazy("Terminate"), "danger"),
}


def state_actions(project: Project) -> tuple[list[StateAction], list[StateAction]]:
    """The changes of state the project allows now, as buttons: those made at once, and those
    made with a reason (suspending, terminating)."""
    actions = [
        StateAction(
            state, *STATE_BUTTONS[state], reverse("monitoring:project-state", args=[project.pk, state])
        )
        for state in project_services.next_states(project)
    ]
    reasoned = [action for action in actions if action.state in project_services.REASONED]
    return [action for action in actions if action not in reasoned], reasoned


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's working page for those who may read it (its municipality's staff,
    consultants and auditors, its organization); everyone else gets its public page."""
    project = access.detailed_project(request, pk)
    if project is None:
        return public.project_public_page(request, pk)
    chart = public.spending_chart(project, spent_by_line(project), public=False)
    if answer := charts.export(request, [chart], name=[project.contract_number]):
        return answer
    [row] = selectors.project_rows(Project.objects.filter(pk=project.pk))
    values = selectors.latest_values([project])
    manager = permissions.can_manage_project(request.user, project)
    plain, reasoned = state_actions(project) if manager else ([], [])
    return render(
        request,
        "monitoring/project_detail.html",
        {
            "project": project,
            "row": row,
            "chart": chart,
            "indicators": [(indicator, values.get(indicator.pk)) for indicator in project.indicators.all()],
            "manager": manager,
            "setup": permissions.can_set_up_project(request.user, project),
            "payment": permissions.can_pay_tranches(request.user, project),
            "member": permissions.is_project_member(request.user, project),
            "visitor": permissions.can_record_visit(request.user, project),
            "state_actions": plain,
            "reasoned_actions": reasoned,
            "paid_form": forms.TranchePaidForm(),
            "events": audit_timeline(target=project),
        },
    )


# The project's state -------------------------------------------------------------------------------


def project_state_token(change: project_services.StateChange, reason: str) -> str:
    """What the confirmation of a state change shows: the change, the reason, the reports still
    due, the tranches not paid and who is e-mailed."""
    return confirmation_token(
        change.project.pk,
        change.project.state,
        change.state,
        reason,
        [(report.pk, report.state) for report in change.pending],
        [(tranche.pk, tranche.amount) for tranche in change.unpaid],
        [user.pk for user in change.recipients],
    )


def _state_context(
    project: Project, state: str, change: project_services.StateChange, form: forms.ReasonForm
) -> dict[str, Any]:
    return {
        "project": project,
        "state": state,
        "state_label": Project.State(state).label,
        "change": change,
        "form": form,
        "back_url": project.get_absolute_url(),
        "final": state in project_services.FINAL,
        "problems": [(check.message, check.where or None) for check in change.problems],
    }


def _confirm_state(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "monitoring/confirm_project_state.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_state(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """The reason (to suspend or terminate), then what the change means, then the change."""
    project = access.managed_project(request, pk)
    if state not in Project.State.values:
        raise Http404
    label = Project.State(state).label.lower()
    if project.state == state:
        # The confirmation was sent twice, or another tab did it.
        messages.info(request, _("The project is %(state)s.") % {"state": label})
        return redirect(project)
    change = project_services.state_change(project=project, state=state)
    reasoned = state in project_services.REASONED
    form = forms.ReasonForm(entered(request) if reasoned else None, state=state)
    context = _state_context(project, state, change, form)
    if change.problems:
        return _confirm_state(request, context, status=web.form_status(request))
    if reasoned and not (form.is_bound and form.is_valid()):
        context["entering"] = True
        return _confirm_state(request, context, status=400 if form.is_bound else 200)
    reason = form.cleaned_data["reason"] if reasoned else ""
    token = project_state_token(change, reason)
    if is_confirmed(request, token):
        try:
            project_services.project_change_state(
                project=project, by=request.user, state=state, reason=reason
            )
        except ValidationError as exc:
            context["problems"] = [(message, None) for message in exc.messages]
            return _confirm_state(request, context, status=400)
        return web.done(request, _("The project is now %(state)s.") % {"state": label}, project)
    context.update(reason=reason, token=token, stale=is_stale(request, token))
    return _confirm_state(request, context)
