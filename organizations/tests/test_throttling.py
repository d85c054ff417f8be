"""Failed log-ins slow down whoever fails and never lock the owner out (organizations/throttling.py).

Each request says where it comes from (``REMOTE_ADDR``): an attacker at one address, the owner at
another. Time is moved on by patching ``time.time``, which the rate limits and the cache read.
"""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from organizations import throttling
from organizations.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OWNER = "198.51.100.7"
ATTACKER = "203.0.113.9"


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@ngo.example")


@pytest.fixture
def later(monkeypatch):
    """``later(seconds)``: the clock moves on."""
    start = time.time()

    def move(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: start + seconds)

    return move


def attempt(client, email: str, password: str, address: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_at_another_address_do_not_refuse_the_owners_right_password(owner, client):
    for _ in range(8):
        assert attempt(client, owner.email, "a wrong guess", ATTACKER).status_code == 200
    assert (
        "Too many failed login attempts"
        in attempt(client, owner.email, "a wrong guess", ATTACKER).content.decode()
    )

    response = attempt(client, owner.email, PASSWORD, OWNER)
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert logged_in(client)


def test_failures_at_ones_own_address_mean_a_short_wait_that_the_form_tells(owner, client, later):
    for _ in range(5):
        attempt(client, owner.email, "a wrong guess", OWNER)
    refused = attempt(client, owner.email, PASSWORD, OWNER)
    assert refused.status_code == 200 and not logged_in(client)
    assert (
        "Try again in 5 minutes, or reset your password if you have forgotten it." in refused.content.decode()
    )

    later(4 * 60 + 30)
    refused = attempt(client, owner.email, PASSWORD, OWNER)
    assert re.search(r"Try again in \d+ seconds", refused.content.decode())
    later(5 * 60 + 1)
    assert attempt(client, owner.email, PASSWORD, OWNER)["Location"] == reverse("home")
    assert logged_in(client)


def test_an_address_that_fails_on_many_accounts_waits_a_minute_while_others_log_in(owner, client):
    for index in range(10):
        attempt(client, f"guess{index}@ngo.example", "a wrong guess", ATTACKER)
    refused = attempt(client, owner.email, PASSWORD, ATTACKER)
    assert not logged_in(client)
    assert re.search(r"Try again in (\d+ seconds|1 minute),", refused.content.decode())
    assert attempt(client, owner.email, PASSWORD, OWNER)["Location"] == reverse("home")


def test_many_failures_from_many_addresses_ask_for_a_code_by_e_mail_not_a_refusal(
    owner, client, settings, django_capture_on_commit_callbacks
):
    settings.SSP_LOGIN_ACCOUNT_FAILURES = 10
    for index in range(10):
        attempt(client, owner.email, "a wrong guess", f"203.0.113.{index + 10}")
    assert throttling.account_under_attack(login=owner.email)

    with django_capture_on_commit_callbacks(execute=True):
        response = attempt(client, owner.email, PASSWORD, OWNER)
    assert response["Location"] == reverse("account_confirm_login_code")
    assert not logged_in(client)
    page = client.get(reverse("account_confirm_login_code"), REMOTE_ADDR=OWNER).content.decode()
    assert "Many wrong passwords have been tried on this account recently" in page
    (message,) = mail.outbox
    assert message.to == [owner.email]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.M).group(1)
    assert code in message.alternatives[0][0]

    response = client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=OWNER)
    assert response["Location"] == reverse("home")
    assert logged_in(client)


def test_the_code_is_asked_only_after_the_right_password(owner, client, settings):
    settings.SSP_LOGIN_ACCOUNT_FAILURES = 3
    for index in range(3):
        attempt(client, owner.email, "a wrong guess", f"203.0.113.{index + 10}")
    response = attempt(client, owner.email, "another wrong guess", OWNER)
    assert response.status_code == 200
    assert mail.outbox == []


def test_an_account_with_an_authenticator_is_asked_for_it_and_no_e_mail_goes(client, settings, finance_staff):
    settings.SSP_LOGIN_ACCOUNT_FAILURES = 3
    TOTP.activate(finance_staff, generate_totp_secret())
    for index in range(3):
        attempt(client, finance_staff.email, "a wrong guess", f"203.0.113.{index + 10}")
    response = attempt(client, finance_staff.email, PASSWORD, OWNER)
    assert response["Location"] == reverse("mfa_authenticate")
    assert mail.outbox == []


def test_few_failures_ask_for_nothing_more(owner, client):
    for index in range(3):
        attempt(client, owner.email, "a wrong guess", f"203.0.113.{index + 10}")
    assert attempt(client, owner.email, PASSWORD, OWNER)["Location"] == reverse("home")


def test_account_failures_leave_the_count_with_the_window(owner, later, settings):
    settings.SSP_LOGIN_ACCOUNT_WINDOW_MINUTES = 60
    for _ in range(4):
        throttling.account_failure_record(login="Owner@NGO.example ")
    assert throttling.account_failures(login=owner.email) == 4
    later(61 * 60)
    assert throttling.account_failures(login=owner.email) == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "Try again in 1 second,"),
        (45, "Try again in 45 seconds,"),
        (60, "Try again in 1 minute,"),
        (61, "Try again in 2 minutes,"),
        (300, "Try again in 5 minutes,"),
    ],
)
def test_the_wait_is_told_in_seconds_or_whole_minutes(seconds, text):
    assert text in throttling.wait_message(seconds)
