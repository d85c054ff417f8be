from django.urls import path

from insights import views_profiles

app_name = "insights"

urlpatterns: list = [
    # Organizations' public profiles and track records.
    path("ncos/<int:pk>/", views_profiles.organization_profile, name="organization-profile"),
]
