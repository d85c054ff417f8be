"""The second factor in Chromium, per role that needs one: after the password the person is sent
to enrolment, sets up an authenticator app with a code computed here (allauth's own TOTP
functions, as the app on a phone computes it), and reaches their home page; the next log-in asks
for the code. An NCO member is never asked. Postponing is off, as in production."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from playwright.sync_api import Page, expect

from organizations.factories import PASSWORD, MunicipalityMembershipFactory, UserFactory
from procurement.factories import CommissionMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def submit_password(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def log_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#main-nav").get_by_role("link", name="Log in")).to_be_visible()


def finance_staff_user():
    return MunicipalityMembershipFactory(municipality__name="Karakol").user, "staff-home"


def commission_member_user():
    return CommissionMemberFactory().user, "commission-home"


def consultant_user():
    return MunicipalityMembershipFactory(
        municipality__name="Karakol", consultant=True
    ).user, "consultant-home"


def administrator_user():
    return UserFactory(admin=True), None


@pytest.mark.parametrize(
    "make",
    [finance_staff_user, commission_member_user, consultant_user, administrator_user],
    ids=lambda f: f.__name__,
)
def test_a_role_that_needs_a_second_factor_enrols_and_is_asked_for_it_next_time(
    make, page: Page, live_server, settings
):
    settings.SSP_MFA_POSTPONE_ALLOWED = False
    # A code typed as its 30 seconds end still counts, as a phone's clock may lag a little.
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    base = live_server.url
    user, home = make()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    submit_password(page, base, user.email)
    expect(page).to_have_url(f"{base}/accounts/2fa/")
    expect(page.get_by_test_id("second-factor-required")).to_contain_text(
        "Your role on the portal needs a second factor"
    )
    expect(page.get_by_test_id("second-factor-postpone")).to_have_count(0)
    # Nothing else opens until then.
    page.goto(f"{base}/competitions/")
    expect(page).to_have_url(f"{base}/accounts/2fa/")

    page.locator("main").get_by_role("link", name="Activate").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    expect(page.locator("main img")).to_be_visible()  # the QR code for the phone
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Activate").click()

    # The recovery codes, then on to the page the person was going to.
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    expect(page.locator("#recovery_codes")).not_to_be_empty()
    page.get_by_test_id("second-factor-ready").get_by_role("link", name="Continue to the portal").click()
    expect(page).to_have_url(f"{base}/competitions/")
    page.locator(".navbar-brand").click()
    expect(page).to_have_url(f"{base}/")
    if home:
        expect(page.get_by_test_id(home)).to_be_visible()
    expect(page.get_by_test_id("second-factor-postponed")).to_have_count(0)
    log_out(page)

    # The next log-in asks for the code after the password.
    submit_password(page, base, user.email)
    expect(page).to_have_url(f"{base}/accounts/2fa/authenticate/")
    expect(page.get_by_test_id("account-menu")).to_have_count(0)
    page.locator("main input[name=code]").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    if home:
        expect(page.get_by_test_id(home)).to_be_visible()
    if user.is_staff:
        page.locator("#main-nav").get_by_role("link", name="Administration").click()
        expect(page).to_have_url(f"{base}/admin/")
        expect(page.locator("#site-name")).to_be_visible()


def test_an_nco_member_is_never_asked_for_a_second_factor(page: Page, live_server, nco_member):
    cache.clear()
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    submit_password(page, base, nco_member.email)
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_test_id("nco-home")).to_be_visible()
    page.goto(f"{base}/competitions/")
    expect(page).to_have_url(f"{base}/competitions/")
    expect(page.get_by_test_id("second-factor-postponed")).to_have_count(0)
