from django.urls import path

from insights import views_profiles, views_yearly

app_name = "insights"

urlpatterns: list = [
    # Organizations' public profiles and track records.
    path("ncos/<int:pk>/", views_profiles.organization_profile, name="organization-profile"),
    # The municipality's yearly report (a PDF in each language).
    path("municipalities/<slug:slug>/report/<int:year>/", views_yearly.yearly_report, name="yearly-report"),
]
