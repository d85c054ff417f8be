from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_without_a_broker_when_tasks_run_in_process(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "oldest_queued_job_seconds": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthy_with_a_real_broker(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_a_broker_that_does_not_answer_gives_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
        "oldest_queued_job_seconds": None,
    }


def test_a_database_that_does_not_answer_gives_503(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise connection.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
