from django.urls import path

from ssp_portal.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.chain_heads, name="chain"),
    path("audit/chain.json", views.chain_heads_json, name="chain-json"),
]
