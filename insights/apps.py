from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """What the figures say, read across the domain apps and changing nothing: dashboards with
    charts, organizations' track records, red flags and the municipality's yearly report."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("Dashboards and track records")

    def ready(self) -> None:
        from insights.documents import yearly_report
        from ssp_portal.documents.registry import register

        register(yearly_report)
