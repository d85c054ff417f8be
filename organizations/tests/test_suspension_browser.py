"""Suspending an organization and lifting the suspension, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from organizations.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from organizations.tests.test_browser import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The charter on file expired in March; upload the renewed one."


def test_staff_suspend_with_a_reason_the_nco_reads_it_and_someone_else_lifts_it(page: Page, live_server):
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    staff = MunicipalityMembershipFactory(
        municipality__name="Karakol", user__email="finance@karakol.example", user__full_name="G. Tolumbekova"
    ).user
    other = MunicipalityMembershipFactory(
        municipality__name="Naryn", user__email="finance@naryn.example", user__full_name="A. Osmonova"
    ).user
    organization = OrganizationFactory(verified=True, name='Public Foundation "Baldarga Tirek"')
    member = OrganizationMembershipFactory(
        organization=organization, user__email="cholpon@baldarga.example"
    ).user

    # Finance staff open the suspend form from the organization's page.
    log_in(page, base, staff.email)
    page.goto(f"{base}{organization.get_absolute_url()}")
    page.get_by_role("link", name="Suspend…").click()
    form = page.get_by_test_id("suspend-organization")
    expect(form).to_contain_text("You cannot lift the suspension yourself")
    page.get_by_label("Reason").fill("   ")  # no reason, only spaces
    page.get_by_role("button", name="Suspend").click()
    expect(form).to_contain_text("This field is required.")
    expect(page.get_by_test_id("verification-status")).to_have_count(0)  # still the form
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Suspend").click()
    expect(page.get_by_test_id("verification-status")).to_contain_text("Suspended")
    expect(page.get_by_test_id("suspension")).to_contain_text(REASON)
    expect(page.get_by_test_id("lift-refusal")).to_contain_text(
        "another finance staff member or the administrator lifts the suspension"
    )
    expect(page.get_by_role("link", name="Lift the suspension…")).to_have_count(0)
    log_out(page)

    # The NCO's member reads the reason and whom to ask.
    log_in(page, base, member.email)
    page.goto(f"{base}{organization.get_absolute_url()}")
    notice = page.get_by_test_id("suspension")
    expect(notice).to_contain_text(REASON)
    expect(notice).to_contain_text("Suspended by G. Tolumbekova, finance staff of Karakol.")
    expect(notice).to_contain_text("finance@karakol.example")
    log_out(page)

    # Staff of another municipality lift it, with a reason.
    log_in(page, base, other.email)
    page.goto(f"{base}{organization.get_absolute_url()}")
    page.get_by_role("link", name="Lift the suspension…").click()
    expect(page.get_by_test_id("suspension")).to_contain_text(REASON)
    page.get_by_label("Reason").fill("The renewed charter is uploaded and checked.")
    page.get_by_role("button", name="Lift the suspension").click()
    expect(page.get_by_test_id("verification-status")).to_contain_text("Verified")
    expect(page.get_by_test_id("suspension")).to_have_count(0)
    expect(page.get_by_text("Suspension lifted")).to_be_visible()  # the history
