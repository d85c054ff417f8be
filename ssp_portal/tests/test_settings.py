"""Production settings: clean under `check --deploy`, and loud when a required value is missing."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ssp.example.kg",
    "DATABASE_URL": "postgres://ssp:secret@db.internal:5432/ssp",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SSP_SITE_URL": "https://ssp.example.kg",
    "SSP_SUPPORT_EMAIL": "ssp@karakol.kg",
    "SSP_IDLE_TIMEOUT_MINUTES": "20",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and not k.startswith("SSP_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_answers_carry_the_security_headers():
    """A request in production (``/healthz``, with a database and a broker that refuse at once)."""
    script = (
        "import json; from django.conf import settings; from django.test import Client; "
        "r = Client().get('/healthz', secure=True, headers={'host': 'ssp.example.kg'}); "
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers), "
        "'idle': settings.SSP_IDLE_TIMEOUT_MINUTES}))"
    )
    refusing = {"DATABASE_URL": "postgres://ssp:secret@127.0.0.1:1/ssp", "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = manage("shell", "-c", script, env={**PRODUCTION, **refusing})
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]
    assert answer["status"] == 503
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "camera=()" in headers["Permissions-Policy"]
    assert "no-store" in headers["Cache-Control"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert answer["idle"] == 20


def test_a_negative_idle_timeout_is_refused():
    result = manage("check", env={"SSP_IDLE_TIMEOUT_MINUTES": "-5"})
    assert result.returncode != 0
    assert "SSP_IDLE_TIMEOUT_MINUTES must be 0 (no timeout) or more" in result.stderr
    result = manage("check", env={"SSP_IDLE_TIMEOUT_MINUTES": "half an hour"})
    assert result.returncode != 0
    assert "SSP_IDLE_TIMEOUT_MINUTES must be an integer" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    env = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_a_malformed_boolean_is_refused():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_postponing_the_second_factor_is_refused_in_production():
    result = manage("check", env={**PRODUCTION, "SSP_MFA_POSTPONE_ALLOWED": "true"})
    assert result.returncode != 0
    assert "SSP_MFA_POSTPONE_ALLOWED is for development only" in result.stderr


def test_postponing_is_off_by_default_in_production_and_on_in_development():
    show = ["shell", "-c", "from django.conf import settings; print(settings.SSP_MFA_POSTPONE_ALLOWED)"]
    assert manage(*show, env=PRODUCTION).stdout.strip().splitlines()[-1] == "False"
    assert manage(*show, env={}).stdout.strip().splitlines()[-1] == "True"


def test_a_trusted_proxy_that_is_no_address_is_refused():
    result = manage("check", env={"SSP_TRUSTED_PROXIES": "10.0.0.1, proxy.internal"})
    assert result.returncode != 0
    assert "'proxy.internal' is neither an IP address nor a network" in result.stderr


def test_sessions_are_kept_in_the_database_and_read_through_redis_when_there_is_redis():
    show = ["shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"]
    assert manage(*show, env=PRODUCTION).stdout.strip().splitlines()[-1] == (
        "django.contrib.sessions.backends.cached_db"
    )
    assert manage(*show, env={}).stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"
