"""A project's set-up by the municipality's finance staff: its indicators, its payment tranches and
its reporting schedule, each edited as rows with the row editor (``ROWS_PAGES``, one page each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from monitoring import forms, permissions
from monitoring.models import Project
from monitoring.services import projects as project_services
from monitoring.views import access
from organizations.models import User
from ssp_portal import web
from ssp_portal.formatting import format_soms
from ssp_portal.rows.forms import RowsFormSet
from ssp_portal.rows.views import edit_rows


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {"id": obj.pk, **{name: getattr(obj, name) for name in fields}}


def indicator_rows(project: Project) -> list[dict[str, Any]]:
    """The project's indicators as their row editor shows them."""
    return [_row(i, "name", "unit", "kind", "baseline", "target") for i in project.indicators.all()]


def tranche_rows(tranches) -> list[dict[str, Any]]:
    """Tranches as their row editor shows them."""
    return [
        {**_row(t, "planned_date", "amount"), "condition_report": str(t.condition_report_id or "")}
        for t in tranches
    ]


def report_period_rows(project: Project) -> list[dict[str, Any]]:
    """The project's reports as the schedule's row editor shows them."""
    return [_row(r, "period_end", "due_date") for r in project.reports.all()]


def _tranches(project: Project) -> tuple[list[dict[str, Any]], set[int]]:
    tranches = list(project.tranches.all())
    return tranche_rows(tranches), {t.pk for t in tranches if t.is_paid}


def _tranches_help(project: Project) -> str:
    return _(
        "The tranches add up to the awarded amount, %(amount)s. A tranche tied to a report is paid only "
        "once the report is accepted."
    ) % {"amount": format_soms(project.amount)}


@dataclass(frozen=True)
class RowsPage:
    """A project's rows edited as a whole: the formset (its prefix is the page's key), the rows
    with those that no longer change, the service that saves them (as the type it takes)."""

    title: str
    saved: str
    formset: type[RowsFormSet]
    rows: Callable[[Project], tuple[list[dict[str, Any]], set[int]]]
    save: Callable[..., bool]
    #: The keyword under which ``save`` takes the rows, each as this type.
    takes: tuple[str, type]
    help: Callable[[Project], str] = lambda project: ""
    template: str = "monitoring/project_rows.html"
    context: Callable[[], dict[str, Any]] = field(default=dict)


ROWS_PAGES = {
    "indicators": RowsPage(
        title=gettext_lazy("Indicators"),
        saved=gettext_lazy("The indicators are saved."),
        formset=forms.IndicatorFormSet,
        rows=lambda project: (indicator_rows(project), project_services.reported_indicators(project)),
        save=project_services.project_set_indicators,
        takes=("indicators", project_services.IndicatorData),
        help=lambda project: _(
            "What the project will change, with the value at the start and the value it aims for."
        ),
    ),
    "tranches": RowsPage(
        title=gettext_lazy("Payment tranches"),
        saved=gettext_lazy("The payment schedule is saved."),
        formset=forms.TrancheFormSet,
        rows=_tranches,
        save=project_services.project_set_tranches,
        takes=("tranches", project_services.TrancheData),
        help=_tranches_help,
    ),
    # The reports of the schedule; they can also be filled in at once (``project_schedule_fill``).
    "reports": RowsPage(
        title=gettext_lazy("Reporting schedule"),
        saved=gettext_lazy("The reporting schedule is saved."),
        formset=forms.ReportPeriodFormSet,
        rows=lambda project: (report_period_rows(project), project_services.started_reports(project)),
        save=project_services.project_set_report_periods,
        takes=("periods", project_services.PeriodData),
        template="monitoring/project_schedule.html",
        context=lambda: {"generator": forms.ScheduleForm()},
    ),
}


def _formset(kind: str, project: Project, data=None) -> RowsFormSet:
    """The rows' editor, read-only with the reason once the set-up of the project is closed."""
    page = ROWS_PAGES[kind]
    rows, locked = page.rows(project)
    setup = permissions.project_setup_open(project)
    return page.formset(data, rows=rows, locked=locked, read_only=setup.reason, prefix=kind, project=project)


def _save(page: RowsPage, project: Project, by: User, rows: list[dict[str, Any]]) -> bool:
    name, row_type = page.takes
    return page.save(project=project, by=by, **{name: [row_type(**row) for row in rows]})


def _context(page: RowsPage, project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "title": page.title,
        "help": page.help(project),
        "back_url": project.get_absolute_url(),
        **page.context(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_rows(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The project's rows of ``kind`` (a key of ``ROWS_PAGES``, given by the URL) edited as a whole."""
    page = ROWS_PAGES[kind]
    project = access.managed_project(request, pk)
    formset = _formset(kind, project, request.POST or None)
    return edit_rows(
        request,
        formset=formset,
        save=lambda: _save(page, project, request.user, formset.rows()),
        template=page.template,
        context=_context(page, project),
        done=project.get_absolute_url(),
        saved=page.saved,
    )


@login_required
@require_POST
def project_schedule_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports filled in at once, every few months or ending on given dates."""
    project = access.managed_project(request, pk)
    generator = forms.ScheduleForm(request.POST)
    filled = web.form_saved(
        generator,
        lambda: project_services.project_set_schedule(
            project=project, by=request.user, **generator.cleaned_data
        ),
    )
    if filled:
        return web.done(
            request,
            _("The reporting schedule is filled in; adjust it below if needed."),
            "monitoring:project-schedule",
            project.pk,
        )
    context = {**_context(ROWS_PAGES["reports"], project), "generator": generator}
    return render(
        request,
        "monitoring/project_schedule.html",
        {**context, "formset": _formset("reports", project)},
        status=400,
    )
