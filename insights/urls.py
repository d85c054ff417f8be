from django.urls import path  # noqa: F401 - the routes of dashboards, profiles and reports

app_name = "insights"

urlpatterns: list = []
