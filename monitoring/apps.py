from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Projects, indicators, payment tranches, monitoring reports, reviews and site visits."""

    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from ssp_portal.audit.registry import register_verbs

        register_verbs({"project.contracted": _("Grant agreement signed")})
