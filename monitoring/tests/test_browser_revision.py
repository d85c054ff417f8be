"""The revision loop on a report that already exists, in Chromium: a consultant asks for a
revision with comments on two sections; the organization changes the narrative and one amount in
the one draft form, answers the comments, is warned before leaving with unsaved changes, saves,
changes an answer and submits at once (what was typed goes with the submission); the consultant
is e-mailed, sees the answers and what changed, and accepts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import build, fill
from monitoring.tests.test_browser import log_in, log_out
from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_revision_is_answered_resubmitted_and_accepted(page: Page, live_server):
    base = live_server.url
    karakol = MunicipalityFactory(name="Karakol", code="KRK")
    staff = MunicipalityMembershipFactory(municipality=karakol).user
    organization = OrganizationFactory(name="Baldarga Tirek", verified=True)
    member = OrganizationMembershipFactory(organization=organization).user
    contracted = build(karakol, organization, staff)
    report = contracted.reports[0]
    fill(contracted, report, staff="20000", supplies="10000")
    report.activities = "Twelve cooking classes for young mothers."
    report.save(update_fields=["activities"])
    report_services.report_submit(report=report, by=member)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # The consultant asks for a revision, with comments on the narrative and the spending.
    log_in(page, base, contracted.consultant.email)
    page.goto(f"{base}{report.get_absolute_url()}")
    page.get_by_label("Ask for a revision").check()
    page.get_by_label("Comment on: Narrative").fill("Say where the classes were held.")
    page.get_by_label("Comment on: Expenditure").fill("Supplies look high: check the invoices.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Revision requested")
    log_out(page)

    # The organization opens the report: each comment stands above its section with an answer field.
    log_in(page, base, member.email)
    page.goto(f"{base}{report.get_absolute_url()}")
    expect(page.get_by_test_id("comment-narrative")).to_contain_text("Say where the classes were held.")
    expect(page.get_by_test_id("comment-expenditure")).to_contain_text("Supplies look high")
    expect(page.get_by_label("Activities carried out")).to_have_value(
        "Twelve cooking classes for young mothers."
    )
    expect(page.get_by_label("This period: Supplies")).to_have_value("10000")

    page.get_by_label("Activities carried out").fill(
        "Twelve cooking classes for young mothers in the school canteen."
    )
    # Typed as people write it: the running sum and the server both read 9,000.
    page.get_by_label("This period: Supplies").fill("9 000")
    expect(page.get_by_test_id("spending-totals")).to_contain_text("KGS\u00a029,000")
    page.get_by_label("Your answer on: Narrative").fill("In the canteen of school no. 3.")
    page.get_by_label("Your answer on: Expenditure").fill("One invoice was counted twice: 9,000 soms.")
    expect(page.locator("[data-unsaved-notice]")).to_be_visible()

    # Leaving before saving asks first, for a link and for the attachment's upload alike; staying
    # keeps everything typed.
    warnings = []

    def stay(dialog) -> None:
        warnings.append(dialog.type)
        dialog.dismiss()

    def asked(times: int) -> None:
        for _ in range(100):
            if len(warnings) >= times:
                break
            page.wait_for_timeout(50)
        assert warnings == ["beforeunload"] * times

    page.on("dialog", stay)
    page.get_by_role("link", name=contracted.project.contract_number).click()
    asked(1)
    page.locator("#attachment_form").get_by_role("button", name="Attach").click()
    asked(2)
    assert page.url.endswith(report.get_absolute_url())
    expect(page.get_by_label("This period: Supplies")).to_have_value("9 000")
    page.remove_listener("dialog", stay)

    # Saving is not leaving: no question.
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".alert-success")).to_contain_text("The draft is saved.")
    assert warnings == ["beforeunload", "beforeunload"]
    expect(page.get_by_label("Your answer on: Narrative")).to_have_value("In the canteen of school no. 3.")

    # An answer changed and submitted at once is saved with the submission: submitting is not
    # leaving either, and nothing typed is dropped.
    page.on("dialog", stay)
    page.get_by_label("Your answer on: Narrative").fill(
        "In the canteen of school no. 3, on the ground floor."
    )
    mail.outbox.clear()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Submitted")
    assert warnings == ["beforeunload", "beforeunload"]
    page.remove_listener("dialog", stay)
    log_out(page)

    # The consultant, who reviewed the last round, is told that it came back.
    told = [m for m in mail.outbox if "is revised and waits for your review" in m.subject]
    assert [m.to for m in told] == [[contracted.consultant.email]]

    # The consultant sees the answers beside the comments and what changed, old → new.
    log_in(page, base, contracted.consultant.email)
    page.goto(f"{base}{report.get_absolute_url()}")
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("Since round 1")
    answers = changes.get_by_test_id("answers")
    expect(answers.locator('[data-answer="narrative"]')).to_contain_text(
        "In the canteen of school no. 3, on the ground floor."
    )
    expect(answers.locator('[data-answer="expenditure"]')).to_contain_text("One invoice was counted twice")
    expect(changes.locator("ins.diff-added")).to_have_text(re.compile(r"in the school canteen"))
    supplies = changes.get_by_test_id("spending-changes").locator('tr[data-line="Supplies"]')
    expect(supplies.locator("[data-old]")).to_have_text("KGS\u00a010,000")
    expect(supplies.locator("[data-new]")).to_have_text("KGS\u00a09,000")
    expect(changes.get_by_test_id("spending-changes")).not_to_contain_text("Staff")

    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Accepted")

    report.refresh_from_db()
    assert report.state == MonitoringReport.State.ACCEPTED
    first, second = report.rounds.order_by("number")
    assert first.answers == {
        "narrative": "In the canteen of school no. 3, on the ground floor.",
        "expenditure": "One invoice was counted twice: 9,000 soms.",
    }
    assert second.decision == "accepted"
    assert report.expenditures.get(budget_line__description="Supplies").amount == Decimal("9000")
    assert report.expenditures.get(budget_line__description="Staff").amount == Decimal("20000")
