"""Ulukman Daryger's member, in Chromium, finds the demo draft on the home page and attaches the
organization's charter from its documents, without an upload."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ulukman_attaches_the_charter_from_the_organizations_documents(page: Page, live_server, settings):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    User.objects.filter(email="ulukman@ngo.example").update(language="en")
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill("ulukman@ngo.example")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()

    # The home page lists the draft with the competition's deadline.
    draft = page.get_by_test_id("draft-application")
    expect(draft).to_contain_text("Back to work: homeless women")
    expect(draft).to_contain_text("Deadline:")
    draft.click()

    problems = page.get_by_test_id("problems").locator("li")
    expect(problems.filter(has_text="Attach: Charter of the organization.")).to_have_count(1)
    before = problems.count()

    charter = page.locator('[data-testid="organization-document"][data-kind="charter"]')
    # Offered for the required document it fits.
    expect(charter.get_by_label("Attach as").locator("option:checked")).to_have_text(
        "Charter of the organization"
    )
    charter.get_by_role("button", name="Attach from the organization's documents").click()

    expect(page.locator(".alert-success")).to_contain_text("is attached from your organization's documents")
    attachments = page.get_by_test_id("attachments")
    expect(attachments).to_contain_text("Charter of the organization")
    expect(attachments).to_contain_text("charter-public-union-ulukman-daryger.pdf")
    expect(problems).to_have_count(before - 1)
    expect(problems.filter(has_text="Attach: Charter of the organization.")).to_have_count(0)
    expect(page.get_by_test_id("document-attached")).to_contain_text(
        "Attached as: Charter of the organization"
    )
    # The registration certificate is still offered.
    certificate = page.get_by_test_id("organization-document").filter(
        has_text="Certificate of state registration"
    )
    expect(certificate.get_by_role("button", name="Attach from the organization's documents")).to_be_visible()
