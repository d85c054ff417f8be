"""Links that work: the portal's address follows what `make run` serves, and every e-mail ends with
a contact address that is a setting and never empty."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from organizations.factories import UserFactory
from ssp_portal.notifications.services import email_notify

# `make run` ------------------------------------------------------------------------------------------


def make_run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Run the Makefile's `run` recipe with a stand-in for Python that records, for each command,
    the SSP_SITE_URL it was given and its arguments (nothing is installed, nothing is served)."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    log = tmp_path / "commands.log"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$SSP_SITE_URL|$*" >> {log}\n')
    python.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SSP_SITE_URL", "ADDRESS", "REDIS_URL", "MAKEFLAGS"}
    }
    result = subprocess.run(
        ["make", "-s", "run", f"PY={python}", f"STAMP={stamp}", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [tuple(line.split("|", 1)) for line in log.read_text().splitlines()]


@pytest.mark.parametrize(
    ("address", "site_url"),
    [
        (None, "http://127.0.0.1:8000"),
        ("127.0.0.1:8105", "http://127.0.0.1:8105"),
        ("localhost:9000", "http://localhost:9000"),
        ("8123", "http://127.0.0.1:8123"),  # runserver takes a bare port
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),  # every interface: opened here as 127.0.0.1
    ],
)
def test_make_run_links_to_the_address_it_serves(tmp_path, address, site_url):
    commands = make_run(tmp_path, *([f"ADDRESS={address}"] if address else []))
    served = [(url, command) for url, command in commands if command.startswith("manage.py runserver")]
    assert served == [(site_url, f"manage.py runserver {address or '127.0.0.1:8000'}")]
    # The demo is seeded and the tasks run with the same address (PDFs, e-mails).
    assert {url for url, _ in commands} == {site_url}


def test_make_run_keeps_a_site_url_that_is_set(tmp_path):
    commands = make_run(tmp_path, "ADDRESS=0.0.0.0:8000", env={"SSP_SITE_URL": "https://ssp.karakol.kg"})
    assert {url for url, _ in commands} == {"https://ssp.karakol.kg"}


# The contact address -------------------------------------------------------------------------------


def setting(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSP_") and k != "DEFAULT_FROM_EMAIL"}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(settings.{name})",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ssp_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "address"),
    [
        ({"SSP_SUPPORT_EMAIL": "ssp@karakol.kg"}, "ssp@karakol.kg"),
        ({"DEFAULT_FROM_EMAIL": "Karakol SSP <ssp@karakol.kg>"}, "ssp@karakol.kg"),
        ({"SSP_SUPPORT_EMAIL": "  ", "DEFAULT_FROM_EMAIL": "ssp@karakol.kg"}, "ssp@karakol.kg"),
        # No one reads a no-reply address: development shows an example address instead.
        ({"DEFAULT_FROM_EMAIL": "Karakol SSP <noreply@karakol.kg>"}, "support@ssp.example"),
        ({}, "support@ssp.example"),
    ],
)
def test_the_contact_address_is_a_setting_that_falls_back_to_the_sender(env, address):
    result = setting("SSP_SUPPORT_EMAIL", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == address


@pytest.mark.parametrize(
    "env",
    [
        {"DEFAULT_FROM_EMAIL": "SSP Portal"},
        {"SSP_SUPPORT_EMAIL": "no-reply@karakol.kg"},
        {"SSP_SUPPORT_EMAIL": "DoNotReply@karakol.kg"},
    ],
)
def test_the_portal_refuses_to_start_without_a_contact_address(env):
    result = setting("SSP_SUPPORT_EMAIL", env)
    assert result.returncode != 0
    assert "SSP_SUPPORT_EMAIL" in result.stderr


def test_production_refuses_a_no_reply_sender_as_the_contact_address():
    from ssp_portal.tests.test_settings import PRODUCTION, manage

    unset = {key: value for key, value in PRODUCTION.items() if key != "SSP_SUPPORT_EMAIL"}
    result = manage("check", env={**unset, "DEFAULT_FROM_EMAIL": "SSP <noreply@karakol.kg>"})
    assert result.returncode != 0
    assert "SSP_SUPPORT_EMAIL" in result.stderr
    assert manage("check", env={**unset, "DEFAULT_FROM_EMAIL": "SSP <ssp@karakol.kg>"}).returncode == 0


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_notification_ends_with_the_contact_address(
    settings, language, django_capture_on_commit_callbacks
):
    from organizations.factories import OrganizationFactory

    settings.SSP_SUPPORT_EMAIL = "ssp@karakol.kg"
    user = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        email_notify(
            user=user,
            template="organizations/email/status_changed",
            context={"organization": OrganizationFactory(verified=True), "reason": ""},
        )
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "ssp@karakol.kg" in message.body.splitlines()[-1]
    assert "ssp@karakol.kg" in html
    assert f'href="{settings.SSP_SITE_URL}/"' in html


@pytest.mark.django_db
def test_account_emails_end_with_the_contact_address_and_the_portal(
    client, settings, django_capture_on_commit_callbacks
):
    """The log-in e-mails (allauth) are rendered without the portal's context: their footer
    still names the address, never "Write to ."."""
    settings.SSP_SUPPORT_EMAIL = "ssp@karakol.kg"
    settings.SSP_SITE_URL = "http://127.0.0.1:8105"
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "Questions? Write to ssp@karakol.kg." in message.body
    assert "Questions? Write to ssp@karakol.kg." in html
    assert "http://127.0.0.1:8105" in message.body
    assert "Write to ." not in message.body + html
