"""Finance staff correct a project's payment schedule and reporting schedule in Chromium, in Russian:
a paid tranche and a report under way stay as they are."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from monitoring.models import MonitoringReport, PaymentTranche
from monitoring.tests.contracted_project import build
from organizations.factories import OrganizationFactory
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"


def test_tranches_and_reports_are_corrected_around_what_is_paid_and_under_way(
    page: Page, live_server, municipality, finance_staff
):
    base = live_server.url
    contracted = build(municipality, OrganizationFactory(verified=True), finance_staff)
    project = contracted.project
    PaymentTranche.objects.filter(project=project, number=1).update(paid_on=datetime.date(2026, 1, 12))
    MonitoringReport.objects.filter(pk=contracted.reports[0].pk).update(activities="Twelve classes held.")
    finance_staff.language = "ru"
    finance_staff.save(update_fields=["language"])
    log_in(page, base, finance_staff.email)

    # Tranches: 75,000 paid, 75,000 after report 1. The second is split in two.
    page.goto(f"{base}/projects/{project.pk}/tranches/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    # The paid tranche is shown as text, in the page's language.
    expect(page.locator("#id_tranches-0-amount")).to_have_text(f"75{NBSP}000{NBSP}сом")
    total = page.get_by_test_id("row-totals").locator('output[data-sum="amount"]')
    expect(total).to_have_text(f"150{NBSP}000{NBSP}сом")
    page.locator("#id_tranches-1-amount").fill("50000")
    expect(total).to_have_text(f"125{NBSP}000{NBSP}сом")
    expect(total).to_have_class("text-danger")
    page.locator("#id_tranches-2-planned_date").fill("2026-10-15")
    page.locator("#id_tranches-2-amount").fill("25 000")
    expect(total).to_have_text(f"150{NBSP}000{NBSP}сом")
    expect(total).to_have_class("text-success")
    page.locator("form[data-row-editor] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert list(project.tranches.values_list("number", "amount", "paid_on")) == [
        (1, Decimal("75000.00"), datetime.date(2026, 1, 12)),
        (2, Decimal("50000.00"), None),
        (3, Decimal("25000.00"), None),
    ]

    # The reporting schedule: report 1 is under way and stays; report 2's due date moves.
    reports = list(project.reports.values_list("pk", "number", "period_end", "due_date"))
    page.goto(f"{base}/projects/{project.pk}/schedule/")
    expect(page.locator("#id_reports-0-period_end")).to_have_text("31 марта 2026")
    page.locator("#id_reports-1-due_date").fill("2026-07-20")
    page.locator("form[data-row-editor] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    after = list(project.reports.values_list("pk", "number", "period_end", "due_date"))
    assert after[0] == reports[0]
    assert after[1] == (*reports[1][:3], datetime.date(2026, 7, 20))
    assert after[2:] == reports[2:]
    # Filling the schedule in at once would replace the report under way: it is refused.
    page.goto(f"{base}/projects/{project.pk}/schedule/")
    generator = page.get_by_test_id("schedule-generator")
    generator.locator("#id_every_months").fill("2")
    generator.locator("input[type=submit], button[type=submit]").click()
    expect(generator).to_contain_text("измените отчёты по одному в таблице")
    assert list(project.reports.values_list("pk", "number", "period_end", "due_date")) == after
