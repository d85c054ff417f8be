"""Logging in through the portal's form in Chromium, as people do: the one helper browser tests
share.

Finance staff, commission members, consultants and administrators are sent to set up a second
factor after the password. Tests run with ``SSP_MFA_POSTPONE_ALLOWED`` (as on a development
server), so the helper postpones it for the session, as a developer does with the demo logins;
the tests of the second factor itself (organizations/tests/test_second_factor_browser.py) enrol.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from organizations.factories import PASSWORD


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in at ``base`` in the page's language; then the person is on the page the log-in leads
    to (for the roles that need a second factor, with enrolment postponed)."""
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    page.wait_for_load_state()
    postpone = page.get_by_test_id("second-factor-postpone")
    if postpone.count():
        postpone.click()
        expect(page.get_by_test_id("second-factor-postponed")).to_be_visible()
