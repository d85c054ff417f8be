"""The demo's Karakol dashboard: the 400,000 soms of the two completed competitions, allocated
and awarded in their year, with the tranches paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from monitoring.models import PaymentTranche
from organizations.models import Municipality
from procurement.models import Competition

pytestmark = pytest.mark.django_db


def test_karakol_shows_its_400000_soms_and_the_paid_tranches(client, settings):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    karakol = Municipality.objects.get(code="KRK")
    completed = list(Competition.objects.filter(municipality=karakol, state=Competition.State.COMPLETED))
    assert len(completed) == 2
    year = completed[0].year
    assert {one.year for one in completed} == {year}
    paid = sum(
        tranche.amount
        for tranche in PaymentTranche.objects.select_related("project__award__competition")
        if tranche.paid_on and tranche.project.award.competition in completed
    )
    assert paid > 0

    url = reverse("insights:municipality-dashboard", args=[karakol.slug])
    response = client.get(url, {"year": year}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    shown = {one.key: one.value for one in response.context["board"].key_figures}
    assert shown["allocated"] == shown["awarded"] == Decimal("400000")
    assert shown["disbursed"] == paid
    html = response.content.decode()
    for key in ("allocated", "awarded"):
        assert f'data-figure="{key}"><span class="amount">KGS\xa0400,000</span>' in html
