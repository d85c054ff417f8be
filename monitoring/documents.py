"""Generated PDFs of monitoring: a report with its indicators and spending, and a project summary."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring import permissions, selectors
from monitoring.models import MonitoringReport, Project
from monitoring.spending import spend_for_report
from ssp_portal.documents.registry import DocumentKind

REPORT = "monitoring-report"
SUMMARY = "project-summary"


def _report_context(report: MonitoringReport) -> dict:
    return {
        "report": report,
        "project": report.project,
        "values": {v.indicator_id: v.value for v in report.indicator_values.all()},
        "indicators": list(report.project.indicators.all()),
        "spend": spend_for_report(report),
        "attachments": list(report.attachments.all()),
        "rounds": list(report.rounds.select_related("reviewer", "submitted_by")),
    }


def _summary_context(project: Project) -> dict:
    [row] = selectors.project_rows(Project.objects.filter(pk=project.pk))
    values = selectors.latest_values([project])
    return {
        "project": project,
        "row": row,
        "tranches": list(project.tranches.select_related("condition_report")),
        "reports": list(project.reports.order_by("number")),
        "indicators": [(indicator, values.get(indicator.pk)) for indicator in project.indicators.all()],
        "lines": list(project.budget_lines.all()),
    }


report = DocumentKind(
    code=REPORT,
    title=_("Monitoring report"),
    model=MonitoringReport,
    template="monitoring/pdf/report.html",
    context=_report_context,
    can_view=lambda user, subject: MonitoringReport.objects.visible_to(user).filter(pk=subject.pk).exists(),
    filename=lambda subject: (
        f"report-{subject.project.contract_number.replace('/', '-')}-{subject.number}.pdf"
    ),
)

summary = DocumentKind(
    code=SUMMARY,
    title=_("Project summary"),
    model=Project,
    template="monitoring/pdf/summary.html",
    context=_summary_context,
    can_view=permissions.can_view_project,
    filename=lambda subject: f"project-{subject.contract_number.replace('/', '-')}.pdf",
)
