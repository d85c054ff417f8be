from django.urls import path

from opendata import giving_views, views

app_name = "opendata"

urlpatterns: list = [
    # OCDS 1.1.5 (opendata/ocds.py) and the page that explains the feeds.
    path("open-data/", views.index, name="index"),
    path("ocds/release-package.json", views.release_package, name="ocds-release-package"),
    path("ocds/record-package.json", views.record_package, name="ocds-record-package"),
    path("competitions/<str:reference>/ocds.json", views.competition_package, name="ocds-competition"),
    # 360Giving: the awards of completed competitions as grants (opendata/giving_views.py).
    path("360giving/grants.json", giving_views.grants_json, name="giving-grants-json"),
    path("360giving/grants.csv", giving_views.grants_csv, name="giving-grants-csv"),
]
