"""A project's public page: what anyone may read of a contracted project, whatever its state.

The organization, the competition, the agreement's amount and period, the state, the indicators
with their latest accepted value, the tranches paid and the spending of accepted reports against
each approved line; of each accepted report, only the narrative sections its organization marked
public. Attachments, reviews and their answers, drafts, reports not yet accepted and site visits
are never read here.

The page is not kept in the public cache: it is rendered on each visit, so that a report
accepted or a tranche paid shows at once.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from monitoring import selectors
from monitoring.models import MonitoringReport, Project
from monitoring.spending import spent_by_line
from ssp_portal import charts


def spending_chart(project: Project, spent: dict[int, Decimal], *, public: bool) -> charts.Chart:
    """Each approved line's amount beside its reported spending (``spent``, by line)."""
    lines = list(project.budget_lines.all())
    return charts.Chart(
        "spending",
        _("Spending against the approved budget, soms"),
        [line.description for line in lines],
        [
            charts.Series(_("Approved"), [line.approved_amount for line in lines]),
            charts.Series(_("Spent"), [spent.get(line.pk, Decimal("0")) for line in lines]),
        ],
        kind="hbar",
        money=True,
        label_header=_("Budget line"),
        note=_("Spent: in the reports accepted so far.")
        if public
        else _("Spent: in every report once submitted, whatever its review."),
        height=max(240, 120 + 70 * len(lines)),
    )


def project_public_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of project ``pk`` (404 if there is none), or its chart's figures as CSV."""
    project = selectors.project_public(pk=pk)
    if project is None:
        raise Http404
    chart = spending_chart(project, spent_by_line(project, (MonitoringReport.State.ACCEPTED,)), public=True)
    if answer := charts.export(request, [chart], name=[project.contract_number]):
        return answer
    values = selectors.latest_accepted_values(project)
    paid = sum((tranche.amount for tranche in project.paid_tranches), Decimal("0"))
    return render(
        request,
        "monitoring/project_public.html",
        {
            "project": project,
            "indicators": [(indicator, values.get(indicator.pk)) for indicator in project.indicators.all()],
            "paid": paid,
            "share_paid": int(paid / project.amount * 100) if project.amount else 0,
            "chart": chart,
        },
    )


@require_GET
def project_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page, whoever asks (staff see what the public sees)."""
    return project_public_page(request, pk)
