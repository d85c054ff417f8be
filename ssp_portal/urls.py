from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ssp_portal import views

# The administration site logs in through the portal's log-in, which throttles failures.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("SSP Portal administration")
admin.site.site_title = _("SSP Portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("documents/", include("ssp_portal.documents.urls")),
    path("", include("ssp_portal.audit.urls")),
    path("", include("organizations.urls")),
    path("", include("procurement.urls")),
    path("", include("monitoring.urls")),
    path("", include("opendata.urls")),
    path("", include("insights.urls")),
]

handler400 = "ssp_portal.errors.bad_request"
handler403 = "ssp_portal.errors.permission_denied"
handler404 = "ssp_portal.errors.page_not_found"
handler500 = "ssp_portal.errors.server_error"
