from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    """Priority issues, competitions, applications, evaluation and awards."""

    name = "procurement"
    verbose_name = _("Procurement")
