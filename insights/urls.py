from django.urls import path

from insights import views_yearly

app_name = "insights"

urlpatterns: list = [
    # The municipality's yearly report (a PDF in each language).
    path("municipalities/<slug:slug>/report/<int:year>/", views_yearly.yearly_report, name="yearly-report"),
]
