from django.urls import path

from opendata import giving_views

app_name = "opendata"

urlpatterns: list = []

# 360Giving: the awards of completed competitions as grants (opendata/giving_views.py).
urlpatterns += [
    path("360giving/grants.json", giving_views.grants_json, name="giving-grants-json"),
    path("360giving/grants.csv", giving_views.grants_csv, name="giving-grants-csv"),
]
