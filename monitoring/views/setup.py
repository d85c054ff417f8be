"""A project's set-up by the municipality's finance staff: its indicators, its payment tranches and
its reporting schedule, each edited as rows with the row editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from monitoring import forms, permissions
from monitoring.models import Project
from monitoring.services import projects as project_services
from monitoring.views import access
from ssp_portal import web
from ssp_portal.formatting import format_soms
from ssp_portal.rows.forms import RowsFormSet
from ssp_portal.rows.views import edit_rows


def indicator_rows(project: Project) -> list[dict[str, Any]]:
    """The project's indicators as their row editor shows them."""
    return [
        {
            "id": i.pk,
            "name": i.name,
            "unit": i.unit,
            "kind": i.kind,
            "baseline": i.baseline,
            "target": i.target,
        }
        for i in project.indicators.all()
    ]


def tranche_rows(tranches) -> list[dict[str, Any]]:
    """Tranches as their row editor shows them."""
    return [
        {
            "id": t.pk,
            "planned_date": t.planned_date,
            "amount": t.amount,
            "condition_report": str(t.condition_report_id or ""),
        }
        for t in tranches
    ]


def report_period_rows(project: Project) -> list[dict[str, Any]]:
    """The project's reports as the schedule's row editor shows them."""
    return [{"id": r.pk, "period_end": r.period_end, "due_date": r.due_date} for r in project.reports.all()]


def _formset(formset: type[RowsFormSet], data, *, setup_of: Project, **kwargs: Any) -> RowsFormSet:
    """The rows' editor, read-only with the reason once the set-up of the project is closed."""
    return formset(data, read_only=permissions.project_setup_open(setup_of).reason, **kwargs)


def _saving(
    request: HttpRequest, project: Project, formset: RowsFormSet, service: Callable[..., bool], **rows: type
) -> Callable[[], bool]:
    """What saves the rows: ``service`` called with each of ``rows`` (its keyword: the type of
    one row) as the rows of the formset."""
    return lambda: service(
        project=project,
        by=request.user,
        **{name: [row_type(**row) for row in formset.rows()] for name, row_type in rows.items()},
    )


def _project_rows(
    request: HttpRequest, project: Project, formset, save, saved: str, title: str, help_text: str
):
    """A project's rows edited as a whole (indicators, tranches), with the row editor."""
    return edit_rows(
        request,
        formset=formset,
        save=save,
        template="monitoring/project_rows.html",
        context={
            "project": project,
            "title": title,
            "help": help_text,
            "back_url": project.get_absolute_url(),
        },
        done=project.get_absolute_url(),
        saved=saved,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.managed_project(request, pk)
    formset = _formset(
        forms.IndicatorFormSet,
        request.POST or None,
        setup_of=project,
        rows=indicator_rows(project),
        locked=project_services.reported_indicators(project),
        prefix="indicators",
    )
    return _project_rows(
        request,
        project,
        formset,
        _saving(
            request,
            project,
            formset,
            project_services.project_set_indicators,
            indicators=project_services.IndicatorData,
        ),
        saved=_("The indicators are saved."),
        title=_("Indicators"),
        help_text=_("What the project will change, with the value at the start and the value it aims for."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_tranches(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.managed_project(request, pk)
    tranches = list(project.tranches.all())
    formset = _formset(
        forms.TrancheFormSet,
        request.POST or None,
        setup_of=project,
        rows=tranche_rows(tranches),
        locked={t.pk for t in tranches if t.is_paid},
        prefix="tranches",
        project=project,
    )
    return _project_rows(
        request,
        project,
        formset,
        _saving(
            request,
            project,
            formset,
            project_services.project_set_tranches,
            tranches=project_services.TrancheData,
        ),
        saved=_("The payment schedule is saved."),
        title=_("Payment tranches"),
        help_text=_(
            "The tranches add up to the awarded amount, %(amount)s. A tranche tied to a report is paid only "
            "once the report is accepted."
        )
        % {"amount": format_soms(project.amount)},
    )


def _schedule_formset(project: Project, data=None) -> RowsFormSet:
    return _formset(
        forms.ReportPeriodFormSet,
        data,
        setup_of=project,
        rows=report_period_rows(project),
        locked=project_services.started_reports(project),
        prefix="reports",
        project=project,
    )


def _schedule_context(project: Project, generator: forms.ScheduleForm) -> dict[str, Any]:
    return {
        "project": project,
        "title": _("Reporting schedule"),
        "back_url": project.get_absolute_url(),
        "generator": generator,
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports of the project, edited as rows."""
    project = access.managed_project(request, pk)
    formset = _schedule_formset(project, request.POST or None)
    return edit_rows(
        request,
        formset=formset,
        save=_saving(
            request,
            project,
            formset,
            project_services.project_set_report_periods,
            periods=project_services.PeriodData,
        ),
        template="monitoring/project_schedule.html",
        context=_schedule_context(project, forms.ScheduleForm()),
        done=project.get_absolute_url(),
        saved=_("The reporting schedule is saved."),
    )


@login_required
@require_POST
def project_schedule_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports filled in at once, every few months or ending on given dates."""
    project = access.managed_project(request, pk)
    generator = forms.ScheduleForm(request.POST)
    if generator.is_valid():
        try:
            project_services.project_set_schedule(
                project=project,
                by=request.user,
                every_months=generator.cleaned_data["every_months"],
                period_ends=generator.cleaned_data["period_ends"],
                due_days=generator.cleaned_data["due_days"],
            )
        except ValidationError as exc:
            web.form_errors(generator, exc)
        else:
            return web.done(
                request,
                _("The reporting schedule is filled in; adjust it below if needed."),
                "monitoring:project-schedule",
                project.pk,
            )
    return render(
        request,
        "monitoring/project_schedule.html",
        {**_schedule_context(project, generator), "formset": _schedule_formset(project)},
        status=400,
    )
