"""The public pages of figures are kept for anonymous visitors and renewed by the services that
change their figures: a tranche paid, a report accepted, a project's state."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from monitoring.services import projects as services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_public_pages")]

PAID = "KGS\xa075,000"


def pages(contracted) -> list[str]:
    project = contracted.project
    return [
        reverse("insights:municipality-dashboard", args=[project.municipality.slug]),
        reverse("insights:portal-dashboard"),
    ]


def test_a_paid_tranche_shows_at_once_on_the_kept_dashboards(client, contracted, on_commit):
    for url in pages(contracted):
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert first.status_code == 200 and PAID not in first.content.decode()
        again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert again["Last-Modified"] == first["Last-Modified"]  # the kept page
    tranche = contracted.project.tranches.order_by("number").first()
    with on_commit():
        services.tranche_mark_paid(tranche=tranche, by=contracted.finance, paid_on=datetime.date(2026, 1, 10))
    for url in pages(contracted):
        assert PAID in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_project_s_new_state_shows_at_once_on_the_organization_s_profile(client, contracted, on_commit):
    url = reverse("insights:organization-profile", args=[contracted.project.organization.pk])
    before = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert before.status_code == 200 and "Suspended" not in before.content.decode()
    with on_commit():
        services.project_change_state(
            project=contracted.project, by=contracted.finance, state="suspended", reason="x"
        )
    assert "Suspended" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
