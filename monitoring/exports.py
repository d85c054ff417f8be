"""The monitoring lists as files (``ssp_portal.exports``): the staff's projects and tranches, the
work list of those who review reports, and an organization's reports to submit.

Each list declares its columns here, beside the rows its page shows; a view that is asked for a
file (``?export=csv|xlsx``) hands the list's filtered queryset to one of the ``*_file`` functions
below instead of paginating it. Every row is read, not one page, with the page's own helpers
(``selectors.project_rows`` for spending and risks), in chunks of ids: a list costs the same
number of queries at 3 rows and at thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from monitoring import selectors
from monitoring.models import MonitoringReport, PaymentTranche, Project
from organizations.models import Municipality
from ssp_portal import exports
from ssp_portal.exports import Column

# How many rows are read whole at a time: few enough for any database's limit on parameters.
CHUNK_SIZE = 500


def _label(model: type, name: str) -> Any:
    """A field's name as a column header (the model's translated verbose name, capitalised)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def by_chunks(ids: Sequence[int], read: Callable[[list[int]], Iterable[Any]]) -> Iterator[Any]:
    """The rows of ``ids``, in their order: ``read`` reads each chunk of them whole (with the
    queries a page of the list makes), so the list's costly sort and filter run once, as ids."""
    for start in range(0, len(ids), CHUNK_SIZE):
        yield from read(list(ids[start : start + CHUNK_SIZE]))


# The staff's projects ---------------------------------------------------------------------------


def with_paid(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with ``paid``: the sum of its tranches recorded as paid, in SQL."""
    paid = (
        PaymentTranche.objects.filter(project=OuterRef("pk"), paid_on__isnull=False)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return projects.annotate(paid=Coalesce(Subquery(paid), Value(Decimal("0")), output_field=money))


def project_export_rows(projects: QuerySet[Project]) -> Iterator[selectors.ProjectRow]:
    """Every project of the filtered list (``selectors.projects_of_municipality`` through
    ``filters.ProjectFilter``), in its order (the chunks are read with it), with the page's
    spending and risks, and ``paid``."""

    def read(ids: list[int]) -> list[selectors.ProjectRow]:
        return selectors.project_rows(list(with_paid(projects.filter(pk__in=ids))))

    return by_chunks(list(projects.values_list("pk", flat=True)), read)


PROJECT_COLUMNS = [
    Column(_("Contract number"), lambda r: r.project.contract_number),
    Column(_("Contract date"), lambda r: r.project.contract_date),
    Column(_("Project"), lambda r: r.project.title),
    Column(_("Organization"), lambda r: r.project.organization.name),
    Column(_("INN"), lambda r: r.project.organization.inn),
    Column(_("Competition"), lambda r: r.project.award.competition.reference),
    Column(_("Awarded amount"), lambda r: r.project.amount, money=True),
    Column(_("Paid out (tranches)"), lambda r: r.project.paid, money=True),
    Column(_("Spent (accepted reports)"), lambda r: r.spent, money=True),
    Column(_("Share spent (%)"), lambda r: r.share_spent),
    Column(_("State"), lambda r: r.project.get_state_display()),
    Column(_("Planned start"), lambda r: r.project.start_date),
    Column(_("Planned end"), lambda r: r.project.end_date),
    Column(_("Risks"), lambda r: "; ".join(r.risks)),
]


def projects_file(projects: QuerySet[Project], *, fmt: str, municipality: Municipality) -> HttpResponse:
    return exports.response(
        project_export_rows(projects), PROJECT_COLUMNS, fmt=fmt, name=[_("Projects"), municipality.name]
    )


# The staff's tranches ---------------------------------------------------------------------------


def tranche_condition(tranche: PaymentTranche) -> str:
    """What the tranche waits for, as the list says it ("" for none)."""
    report = tranche.condition_report
    if report is None:
        return ""
    return gettext("after %(kind)s %(number)s is accepted") % {
        "kind": report.get_kind_display(),
        "number": report.number,
    }


TRANCHE_COLUMNS = [
    Column(_("Contract number"), lambda t: t.project.contract_number),
    Column(_("Organization"), lambda t: t.project.organization.name),
    Column(_("Tranche"), lambda t: t.number),
    Column(_("Planned date"), lambda t: t.planned_date),
    Column(_("Amount"), lambda t: t.amount, money=True),
    Column(_("Condition"), tranche_condition),
    Column(_("Report state"), lambda t: t.condition_report.get_state_display() if t.condition_report else ""),
    Column(_("Paid on"), lambda t: t.paid_on),
    Column(_("Project state"), lambda t: t.project.get_state_display()),
]


def tranches_file(
    tranches: QuerySet[PaymentTranche], *, fmt: str, municipality: Municipality
) -> HttpResponse:
    """``tranches``: ``selectors.tranches_of_municipality`` through ``filters.TrancheFilter``."""
    return exports.response(tranches, TRANCHE_COLUMNS, fmt=fmt, name=[_("Tranches"), municipality.name])


# The work list of those who review reports ----------------------------------------------------------

SECTION_NAMES = {
    "review": _("Reports to review"),
    "overdue": _("Overdue reports"),
    "risk": _("Projects at risk"),
}


@dataclass
class QueueRow:
    """A line of the work list: a report to review or overdue, or a project at risk."""

    section: str
    project: Project
    report: MonitoringReport | None = None
    risks: list[str] = field(default_factory=list)


def queue_rows(queue: selectors.Queue, sections: Sequence[str]) -> Iterator[QueueRow]:
    """Every line of the sections shown, section after section, each in the page's order."""
    for section in sections:
        if section == "risk":
            ids = list(queue.at_risk.values_list("pk", flat=True))
            for row in by_chunks(ids, selectors.project_rows_by_pk):
                yield QueueRow(section, row.project, risks=row.risks)
            continue
        reports = queue.to_review if section == "review" else queue.overdue
        for report in exports.each(reports):
            yield QueueRow(section, report.project, report=report)


def _report_name(report: MonitoringReport | None) -> str:
    return f"{report.get_kind_display()} {report.number}" if report else ""


QUEUE_COLUMNS = [
    Column(_("Section"), lambda q: SECTION_NAMES[q.section]),
    Column(_("Municipality"), lambda q: q.project.municipality.name),
    Column(_("Contract number"), lambda q: q.project.contract_number),
    Column(_("Project"), lambda q: q.project.title),
    Column(_("Organization"), lambda q: q.project.organization.name),
    Column(_("Report"), lambda q: _report_name(q.report)),
    Column(_("Report state"), lambda q: q.report.get_state_display() if q.report else ""),
    Column(
        _label(MonitoringReport, "submitted_at"),
        lambda q: q.report.submitted_at if q.report else None,
        zone=lambda q: q.project.municipality.time_zone,
    ),
    Column(_("Due"), lambda q: q.report.due_date if q.report else None),
    Column(_("Risks"), lambda q: "; ".join(q.risks)),
]


def queue_file(queue: selectors.Queue, sections: Sequence[str], *, fmt: str) -> HttpResponse:
    """``queue``: ``selectors.reviewer_queue`` of the filtered projects; ``sections``: those shown."""
    return exports.response(
        queue_rows(queue, sections), QUEUE_COLUMNS, fmt=fmt, name=[_("Monitoring work list")]
    )


# An organization's reports to submit ------------------------------------------------------------------

REPORT_DUE_COLUMNS = [
    Column(_("Report"), _report_name),
    Column(_("Contract number"), lambda r: r.project.contract_number),
    Column(_("Project"), lambda r: r.project.title),
    Column(_("Organization"), lambda r: r.project.organization.name),
    Column(_label(MonitoringReport, "period_start"), lambda r: r.period_start),
    Column(_label(MonitoringReport, "period_end"), lambda r: r.period_end),
    Column(_("Due"), lambda r: r.due_date),
    Column(_("State"), lambda r: r.get_state_display()),
    Column(_("Overdue"), lambda r: r.is_overdue),
]


def reports_due_file(reports: QuerySet[MonitoringReport], *, fmt: str) -> HttpResponse:
    """``reports``: ``selectors.reports_due_for_member`` through ``filters.ReportsDueFilter``."""
    return exports.response(reports, REPORT_DUE_COLUMNS, fmt=fmt, name=[_("My reports")])
