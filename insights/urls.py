from django.urls import path

from insights import views, views_profiles, views_yearly

app_name = "insights"

urlpatterns: list = [
    # Dashboards with charts (insights/dashboards.py): the portal's and each municipality's.
    path("dashboard/", views.portal_dashboard, name="portal-dashboard"),
    path(
        "municipalities/<slug:slug>/dashboard/", views.municipality_dashboard, name="municipality-dashboard"
    ),
    # Organizations' public profiles and track records.
    path("ncos/<int:pk>/", views_profiles.organization_profile, name="organization-profile"),
    # The municipality's yearly report (a PDF in each language).
    path("municipalities/<slug:slug>/report/<int:year>/", views_yearly.yearly_report, name="yearly-report"),
]
