from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SspPortalConfig(AppConfig):
    name = "ssp_portal"
    verbose_name = _("SSP Portal")
