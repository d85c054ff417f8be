from django.urls import path

from insights import views

app_name = "insights"

urlpatterns: list = [
    # Dashboards with charts (insights/dashboards.py): the portal's and each municipality's.
    path("dashboard/", views.portal_dashboard, name="portal-dashboard"),
    path(
        "municipalities/<slug:slug>/dashboard/", views.municipality_dashboard, name="municipality-dashboard"
    ),
]
