"""Row editors in Chromium, used on lists that already exist: finance staff correct a draft's
criteria, documents and commission; an NCO corrects a budget line and an activity, then submits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from organizations.factories import OrganizationMembershipFactory
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    RequiredDocumentFactory,
    fill_application,
)
from procurement.models import Application, CommissionMember
from ssp_portal.tests.browser import log_in as log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    log_in_as(page, base, email)


def test_finance_staff_correct_the_criteria_documents_and_commission_of_a_draft(
    page: Page, live_server, municipality, finance_staff
):
    base = live_server.url
    competition = CompetitionFactory(municipality=municipality, criteria=True, commission=True)
    for position, name in enumerate(["Charter", "Registration certificate", "Budget justification"]):
        RequiredDocumentFactory(competition=competition, position=position, name=name, description="A scan")
    criteria_ids = list(competition.criteria.values_list("pk", flat=True))
    log_in(page, base, finance_staff.email)

    # Criteria 50 / 30 / 20: two weights change; the sum follows as they are typed.
    page.goto(f"{base}/competitions/{competition.reference}/criteria/")
    total = page.get_by_test_id("row-totals").locator('output[data-sum="weight"]')
    expect(total).to_have_text("100")
    page.locator("#id_criteria-0-weight").fill("40")
    expect(total).to_have_text("90")
    expect(total).to_have_class("text-danger")
    # Leaving with a change not saved asks first; staying keeps what was typed.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Back").click()
    assert asked == ["beforeunload"]
    expect(page.locator("#id_criteria-0-weight")).to_have_value("40")
    # Saved like this, nothing is saved and the page says what to do.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("formset-errors")).to_contain_text(
        "The weights add up to 90; change them so that they add up to 100."
    )
    assert list(competition.criteria.values_list("weight", flat=True)) == [50, 30, 20]
    expect(page.locator("#id_criteria-0-weight")).to_have_value("40")
    page.locator("#id_criteria-1-weight").fill("40")
    expect(total).to_have_text("100")
    expect(total).to_have_class("text-success")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Evaluation criteria: saved.")
    assert list(competition.criteria.values_list("pk", "weight")) == list(
        zip(criteria_ids, [40, 40, 20], strict=True)
    )

    # Documents: one note edited, the other two documents stay; then one removed.
    page.goto(f"{base}/competitions/{competition.reference}/documents/")
    page.locator("#id_documents-1-description").fill("A notarised copy")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert list(competition.required_documents.values_list("name", "description")) == [
        ("Charter", "A scan"),
        ("Registration certificate", "A notarised copy"),
        ("Budget justification", "A scan"),
    ]
    page.goto(f"{base}/competitions/{competition.reference}/documents/")
    page.locator("#id_documents-2-DELETE").check()
    page.get_by_role("button", name="Save").click()
    assert list(competition.required_documents.values_list("name", flat=True)) == [
        "Charter",
        "Registration certificate",
    ]

    # The commission saved without a change stays; a fourth member is added.
    members = list(competition.commission.values_list("pk", "user__email", "role"))
    page.goto(f"{base}/competitions/{competition.reference}/commission/")
    # A member's address and name belong to their account: shown, not editable.
    expect(page.locator("#id_commission-0-email")).to_have_text(members[0][1])
    expect(page.locator("input[name='commission-0-email']")).to_have_count(0)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-info")).to_contain_text("Nothing was changed")
    assert list(competition.commission.values_list("pk", "user__email", "role")) == members
    page.goto(f"{base}/competitions/{competition.reference}/commission/")
    page.locator("#id_commission-3-email").fill("aidai@example.org")
    page.locator("#id_commission-3-full_name").fill("Aidai Beishenova")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert competition.commission.count() == 4
    assert (
        CommissionMember.objects.get(competition=competition, user__email="aidai@example.org").role
        == "member"
    )


def test_an_nco_corrects_a_budget_line_and_an_activity_then_submits(page: Page, live_server):
    base = live_server.url
    membership = OrganizationMembershipFactory(organization__verified=True)
    competition = CompetitionFactory(published=True, max_grant=Decimal("200000"))
    application = ApplicationFactory(competition=competition, organization=membership.organization)
    fill_application(application)  # lines 6 × 10,000 and 1 × 90,000; one activity, months 1–6
    log_in(page, base, membership.user.email)

    page.goto(f"{base}{application.get_absolute_url()}budget/")
    row_totals = page.locator("output[data-row-total]")
    expect(row_totals.nth(0)).to_have_text("KGS\u00a060,000")
    sum_ = page.get_by_test_id("row-totals").locator('output[data-sum="total"]')
    expect(sum_).to_have_text("KGS\u00a0150,000")
    # A hurried person types the quantity with a comma and the cost with spaces.
    page.locator("#id_lines-0-quantity").fill("6,5")
    expect(row_totals.nth(0)).to_have_text("KGS\u00a065,000")
    expect(sum_).to_have_text("KGS\u00a0155,000")
    expect(sum_).to_have_class("text-danger")  # against the requested 150,000
    page.get_by_label("Requested amount (soms)").fill("155 000")
    expect(sum_).to_have_class("text-success")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The budget is saved.")
    application.refresh_from_db()
    assert application.requested_amount == Decimal("155000")
    assert list(application.budget_lines.values_list("description", "quantity")) == [
        ("Worker", Decimal("6.50")),
        ("Shelter", Decimal("1.00")),
    ]

    # An activity beyond the project's months is refused beside the field.
    page.goto(f"{base}{application.get_absolute_url()}activities/")
    page.locator("#id_activities-0-end_month").fill("20")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_activities-0-end_month-error")).to_contain_text("The project lasts")
    page.locator("#id_activities-0-end_month").fill("4")
    page.locator("#id_activities-0-title").fill("Night outreach")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The activities are saved.")
    assert list(application.activities.values_list("title", "start_month", "end_month")) == [
        ("Night outreach", 1, 4)
    ]

    page.goto(f"{base}{application.get_absolute_url()}")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".alert-success")).to_contain_text("The application is submitted.")
    assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED
