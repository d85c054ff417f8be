"""Recording a tranche as paid waits for a confirmation that names the tranche, its amount, the
date and the project; an unconfirmed or refused request records nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape

from monitoring.models import PaymentTranche
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(contracted, number: int) -> str:
    tranche = contracted.project.tranches.get(number=number)
    return reverse("monitoring:tranche-paid", args=[contracted.project.pk, tranche.pk])


def paid(contracted, number: int) -> datetime.date | None:
    return PaymentTranche.objects.get(project=contracted.project, number=number).paid_on


def payments(contracted) -> int:
    return AuditEvent.objects.for_target(contracted.project).filter(verb="tranche.paid").count()


def test_the_confirmation_names_the_tranche_amount_date_and_project(contracted, finance_staff, client_for):
    client = client_for(finance_staff)
    assert client.get(url(contracted, 1)).status_code == 200  # the date's form, today by default

    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(url(contracted, 1), {"paid_on": day.isoformat()})  # the project page's form
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record tranche 1 of KGS\u00a075,000 as paid?" in re.sub(
        r'<span class="amount">([^<]*)</span>', r"\1", page
    )
    assert f"{day.day} {day.strftime('%B')} {day.year}" in page
    assert contracted.project.contract_number in page and escape(contracted.project.organization.name) in page
    assert paid(contracted, 1) is None
    assert payments(contracted) == 0

    response = client.post(
        url(contracted, 1), {"paid_on": day.isoformat(), "confirm": response.context["token"]}
    )
    assert response.status_code == 302
    assert paid(contracted, 1) == day
    assert payments(contracted) == 1

    # A second post of the same confirmation records nothing more.
    again = client.post(
        url(contracted, 1), {"paid_on": day.isoformat(), "confirm": response.wsgi_request.POST["confirm"]}
    )
    assert again.status_code == 302
    assert payments(contracted) == 1


def test_a_confirmation_for_another_date_asks_again(contracted, finance_staff, client_for):
    client = client_for(finance_staff)
    today = timezone.localdate()
    token = client.post(url(contracted, 1), {"paid_on": today.isoformat()}).context["token"]
    yesterday = today - datetime.timedelta(days=1)
    response = client.post(url(contracted, 1), {"paid_on": yesterday.isoformat(), "confirm": token})
    assert response.status_code == 200
    assert 'data-testid="confirmation-stale"' in response.content.decode()
    assert paid(contracted, 1) is None


def test_a_payment_in_the_future_is_refused_beside_the_date(contracted, finance_staff, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(finance_staff).post(url(contracted, 1), {"paid_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert response.context["form"].errors["paid_on"] == [
        f"Enter a date from 1 January 2000 to {formats.date_format(timezone.localdate())}."
    ]
    assert paid(contracted, 1) is None


def test_a_tranche_waiting_for_its_report_offers_no_confirmation(contracted, finance_staff, client_for):
    response = client_for(finance_staff).post(
        url(contracted, 2), {"paid_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "it is not accepted yet" in page
    assert 'data-testid="confirmation-form"' not in page
    assert paid(contracted, 2) is None


def test_a_date_that_is_not_a_date_is_shown_beside_the_field(contracted, finance_staff, client_for):
    response = client_for(finance_staff).post(url(contracted, 1), {"paid_on": "31.02.2026"})
    assert response.status_code == 400
    assert response.context["form"].errors["paid_on"]
    assert paid(contracted, 1) is None


def test_the_project_pages_form_leads_to_a_confirmation_with_an_address_of_its_own(
    contracted, finance_staff, client_for
):
    """The date travels in the address, so switching the language on the confirmation keeps it."""
    client = client_for(finance_staff)
    project_page = client.get(contracted.project.get_absolute_url()).content.decode()
    assert f'<form method="get" action="{url(contracted, 1)}"' in project_page
    today = timezone.localdate()
    response = client.get(url(contracted, 1), {"paid_on": today.isoformat()})
    assert response.status_code == 200
    assert 'data-testid="confirmation-form"' in response.content.decode()
    assert paid(contracted, 1) is None
    language = client.post(
        reverse("set_language"),
        {"language": "ru", "next": f"{url(contracted, 1)}?paid_on={today.isoformat()}"},
    )
    assert language["Location"] == f"{url(contracted, 1)}?paid_on={today.isoformat()}"


def test_a_tranche_waiting_for_its_report_says_so_before_a_date_is_asked(
    contracted, finance_staff, client_for
):
    response = client_for(finance_staff).get(url(contracted, 2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "it is not accepted yet" in page
    assert 'data-testid="entry-form"' not in page
