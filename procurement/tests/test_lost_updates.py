"""Two tabs on one draft: the second save of a section (or of the amounts) opened before the first
was saved is refused, with what it typed kept in the form; the first tab's text stays."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.factories import fill_application
from procurement.models import Application
from ssp_portal.tests.html_forms import form_of

pytestmark = pytest.mark.django_db

STALE = "Someone saved this part of the application after you opened it."


@pytest.fixture
def filled_draft(draft):
    return fill_application(draft)


def _form(client, url: str, **attrs) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return dict(form_of(response.content.decode(), **attrs).data())


def test_a_section_saved_meanwhile_in_another_tab_is_not_overwritten(filled_draft, nco_member, client_for):
    client = client_for(nco_member)
    url = reverse("procurement:application-section", args=[filled_draft.pk, "problem"])
    tab_a = _form(client, url, novalidate="")
    tab_b = dict(tab_a)
    tab_a["problem"] = "Written in tab A"
    assert client.post(url, tab_a).status_code == 302
    tab_b["problem"] = "Written in tab B"
    response = client.post(url, tab_b)
    html = response.content.decode()
    assert STALE in html
    assert "Written in tab B" in html  # kept as typed
    assert Application.objects.get(pk=filled_draft.pk).problem == "Written in tab A"
    # Saved again from the refusal: refused again.
    again = dict(form_of(html, novalidate="").data())
    assert again["problem"] == "Written in tab B"
    assert STALE in client.post(url, again).content.decode()
    assert Application.objects.get(pk=filled_draft.pk).problem == "Written in tab A"
    # Loaded afresh, it saves.
    fresh = _form(client, url, novalidate="")
    fresh["problem"] = "Written in tab B"
    assert client.post(url, fresh).status_code == 302
    assert Application.objects.get(pk=filled_draft.pk).problem == "Written in tab B"


def test_a_section_saved_unchanged_writes_nothing(filled_draft, nco_member, client_for):
    client = client_for(nco_member)
    url = reverse("procurement:application-section", args=[filled_draft.pk, "project"])
    before = Application.objects.get(pk=filled_draft.pk).updated_at
    assert client.post(url, _form(client, url, novalidate="")).status_code == 302
    assert Application.objects.get(pk=filled_draft.pk).updated_at == before


def test_amounts_saved_meanwhile_in_another_tab_are_not_overwritten(filled_draft, nco_member, client_for):
    client = client_for(nco_member)
    url = reverse("procurement:application-budget", args=[filled_draft.pk])
    tab_a = _form(client, url, data_row_editor="")
    tab_b = dict(tab_a)
    tab_a["cofinancing_own"] = "5000"
    assert client.post(url, tab_a).status_code == 302
    tab_b["cofinancing_own"] = "7000"
    response = client.post(url, tab_b)
    assert response.status_code == 400
    html = response.content.decode()
    assert STALE in html
    assert form_of(html, data_row_editor="").data()["cofinancing_own"] == "7000"
    assert Application.objects.get(pk=filled_draft.pk).cofinancing_own == Decimal("5000")
    again = dict(form_of(html, data_row_editor="").data())
    assert client.post(url, again).status_code == 400
    assert Application.objects.get(pk=filled_draft.pk).cofinancing_own == Decimal("5000")
