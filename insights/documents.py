"""The municipality's yearly report as a generated PDF: public, like a competition's announcement."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from insights import figures, yearly
from insights.figures import Scope
from insights.models import YearlyReport
from procurement.permissions import can_read_municipality
from ssp_portal.documents.registry import DocumentKind

YEARLY_REPORT = "municipality-yearly-report"


def _context(report: YearlyReport) -> dict:
    """The year's figures, read when the PDF is rendered (in the language it is asked in)."""
    scope = Scope(report.municipality, report.year)
    money = figures.money(scope)
    projects = list(yearly.projects(scope))
    return {
        "report": report,
        "municipality": report.municipality,
        "year": report.year,
        "competitions": yearly.competitions(scope),
        "applicants": list(yearly.applicants(scope)),
        "awards": list(yearly.awards(scope)),
        "projects": projects,
        "spending": {
            "contracted": sum((one.amount for one in projects), Decimal("0")),
            "disbursed": sum((one.disbursed for one in projects), Decimal("0")),
            "reported": sum((one.reported for one in projects), Decimal("0")),
        },
        "indicators": list(yearly.indicators(scope)),
        "money": money.total,
        "charts": [
            yearly.money_chart(report.year, money.total),
            yearly.applications_chart(scope),
            yearly.projects_chart(scope),
        ],
    }


def _can_view(user, report: YearlyReport) -> bool:
    """Everyone: the report holds only figures the portal publishes anyway."""
    return True


yearly_report = DocumentKind(
    code=YEARLY_REPORT,
    title=_("Yearly report"),
    model=YearlyReport,
    template="insights/pdf/yearly_report.html",
    context=_context,
    can_view=_can_view,
    # Preparing it again (the figures of a year change while its projects run): its staff and auditors.
    can_request=lambda user, report: can_read_municipality(user, report.municipality),
    filename=lambda report: f"yearly-report-{report.municipality.slug}-{report.year}.pdf",
    public=True,
)
