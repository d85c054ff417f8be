from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """What reads across the domain apps and changes nothing: open-data publication (OCDS,
    360Giving) and the auditor's bundle."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from opendata.documents import bundle
        from ssp_portal.documents.registry import register

        register(bundle)
