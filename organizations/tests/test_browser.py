"""Journeys through the real pages in headless Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from organizations.factories import PASSWORD, MunicipalityMembershipFactory
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#main-nav").get_by_role("link", name="Log in")).to_be_visible()


def test_an_nco_signs_up_registers_and_is_verified_by_finance_staff(page: Page, live_server):
    base = live_server.url
    staff = MunicipalityMembershipFactory(
        municipality__name="Karakol", user__email="finance@karakol.example", user__full_name="G. Tolumbekova"
    ).user
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # A member of the NCO signs up.
    page.goto(base)
    page.get_by_role("link", name="Sign up as an organization").click()
    page.get_by_label("E-mail").fill("cholpon@baldarga.example")
    page.get_by_label("Full name").fill("Cholpon Abdyldaeva")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # She confirms the address from the e-mail.
    assert [m.to for m in mail.outbox] == [["cholpon@baldarga.example"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("account-menu")).to_have_text("Cholpon")

    # She registers the organization; it waits for verification.
    page.get_by_role("link", name="Register an organization").click()
    page.get_by_label("Name").fill('Public Foundation "Baldarga Tirek"')
    page.get_by_label("Legal form").select_option("public_foundation")
    page.get_by_label("Registration date").fill("2012-05-14")
    page.get_by_label("State registration number").fill("12345-3301-ОФ")
    page.get_by_label("INN").fill("01405201210123")
    page.get_by_label("Region").select_option("issyk_kul")
    page.get_by_label("Legal address").fill("Karakol")
    page.get_by_label("Head of the organization").fill("Cholpon Abdyldaeva")
    page.get_by_label("Phone").fill("+996 3922 5 00 01")
    page.get_by_label("E-mail").fill("info@baldarga.example")
    page.get_by_label("Mission").fill("Children of labor migrants.")
    page.get_by_role("button", name="Register the organization").click()
    expect(page.get_by_role("heading", name='Public Foundation "Baldarga Tirek"')).to_be_visible()
    expect(page.get_by_test_id("verification-status")).to_contain_text("Pending verification")
    log_out(page)

    # Finance staff verify it.
    log_in(page, base, staff.email)
    expect(page.get_by_test_id("pending-count")).to_contain_text("1 organization waits for verification.")
    page.get_by_role("link", name="Review organizations").click()
    page.get_by_role("link", name='Public Foundation "Baldarga Tirek"').click()
    page.get_by_role("link", name="Verify…").click()
    expect(page.get_by_test_id("verified-details")).to_contain_text("01405201210123")
    expect(page.get_by_test_id("missing-documents")).to_contain_text("Charter")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("verification-status")).to_contain_text("Verified")
    expect(page.get_by_text("Organization verified")).to_be_visible()  # the timeline
    log_out(page)

    # The NCO member sees it verified.
    log_in(page, base, "cholpon@baldarga.example")
    home = page.get_by_test_id("nco-home")
    expect(home).to_contain_text('Public Foundation "Baldarga Tirek"')
    expect(home.locator('[data-organization-state="verified"]')).to_have_text("Verified")


def test_the_navigation_works_on_a_phone(page: Page, live_server):
    page.set_viewport_size({"width": 375, "height": 740})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url)
    login = page.locator("#main-nav").get_by_role("link", name="Log in")
    expect(login).to_be_hidden()  # folded behind the menu button
    page.get_by_role("button", name="Menu").click()
    expect(login).to_be_visible()
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
