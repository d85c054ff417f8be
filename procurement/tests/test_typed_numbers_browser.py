"""Amounts typed in Chromium as people type them: ``150000,50`` is 150 000.50 soms, never 15 000 050,
on a draft, on an amendment (through its confirmation) and on a priority issue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from procurement.factories import CompetitionFactory, PriorityIssueFactory
from procurement.models import Amendment, Competition, PriorityIssue
from ssp_portal.tests.browser import log_in as log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    log_in_as(page, base, email)


def type_into(page: Page, label: str, text: str) -> None:
    """Key by key, as a person types (``fill`` would refuse a comma in a number input)."""
    field = page.get_by_label(label)
    field.click()
    field.press("Control+A")
    field.press("Backspace")
    field.press_sequentially(text)


def test_finance_staff_type_amounts_with_a_decimal_comma(
    page: Page, live_server, municipality, finance_staff
):
    base = live_server.url
    draft = CompetitionFactory(municipality=municipality)
    issue = PriorityIssueFactory(municipality=municipality, draft=True)
    log_in(page, base, finance_staff.email)

    # A draft's total budget.
    page.goto(f"{base}/competitions/{draft.reference}/edit/")
    type_into(page, "Total budget (soms)", "150000,50")
    type_into(page, "Maximum grant per project (soms)", "100 000")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_test_id("budget")).to_have_text("KGS\u00a0150,000.50")
    draft.refresh_from_db()
    assert (draft.budget, draft.max_grant) == (Decimal("150000.50"), Decimal("100000"))

    # An ambiguous amount is refused beside the field; nothing changes.
    page.goto(f"{base}/competitions/{draft.reference}/edit/")
    type_into(page, "Total budget (soms)", "1,500")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("#error_1_id_budget")).to_have_text(
        "Enter an amount in soms, for example 150000 or 150000.50."
    )
    assert Competition.objects.get(pk=draft.pk).budget == Decimal("150000.50")

    # A priority issue's planned budget.
    page.goto(f"{base}/priority-issues/{issue.pk}/edit/")
    type_into(page, "Planned budget (soms)", "250000,75")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("KGS\u00a0250,000.75").first).to_be_visible()
    assert PriorityIssue.objects.get(pk=issue.pk).planned_budget == Decimal("250000.75")


def test_an_amendment_typed_with_a_decimal_comma_is_confirmed_old_to_new(
    page: Page, live_server, municipality, finance_staff
):
    base = live_server.url
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=timezone.now() + datetime.timedelta(days=40),
    )
    log_in(page, base, finance_staff.email)
    page.goto(f"{base}/competitions/{competition.reference}/amend/")
    page.get_by_label("What changed and why — English (optional)").fill("The council added 50 000 soms.")
    type_into(page, "Total budget (soms)", "450000,50")
    page.get_by_role("button", name="Publish the amendment…").click()

    # Nothing is published yet: the confirmation lists the change, old → new.
    changes = page.get_by_test_id("amendment-changes")
    expect(changes).to_contain_text("Total budget: KGS\u00a0400,000 → KGS\u00a0450,000.50")
    assert not Amendment.objects.exists()
    page.get_by_role("button", name="Publish the amendment", exact=True).click()

    expect(page.get_by_test_id("budget")).to_have_text("KGS\u00a0450,000.50")
    expect(page.get_by_test_id("amendments")).to_contain_text(
        "Total budget: KGS\u00a0400,000 → KGS\u00a0450,000.50"
    )
    competition.refresh_from_db()
    assert competition.budget == Decimal("450000.50")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
