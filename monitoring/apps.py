from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Projects, indicators, payment tranches, monitoring reports, reviews and site visits."""

    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from monitoring.documents import report, summary
        from ssp_portal.audit.registry import register_verbs
        from ssp_portal.documents.registry import register

        register(report)
        register(summary)
        register_verbs(
            {
                "project.contracted": _("Grant agreement signed"),
                "project.indicators_set": _("Indicators set"),
                "project.tranches_set": _("Payment schedule set"),
                "project.schedule_set": _("Reporting schedule set"),
                "project.state_changed": _("Project state changed"),
                "project.site_visit": _("Site visit recorded"),
                "tranche.paid": _("Tranche paid"),
                "report.draft_saved": _("Report draft saved"),
                "report.submitted": _("Report submitted"),
                "report.accepted": _("Report accepted"),
                "report.revision_requested": _("Revision requested"),
            }
        )
