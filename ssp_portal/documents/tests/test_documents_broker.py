"""The PDF task through the real Redis broker to a real Celery worker started by the test."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from organizations.documents import REGISTRATION_CARD
from organizations.factories import OrganizationMembershipFactory
from ssp_portal.celery import app as celery_app
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request, documents_requeue_stuck
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.tests.storage import process_env, stored_files

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    """The test database as a URL, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _reset_connections() -> None:
    """Drop the app's cached broker connections and queues so that new settings apply."""
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


def _start_worker(queue: str, log: Path, redis_url: str, app: str = "ssp_portal", **extra_env: str):
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "ssp_portal.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        **process_env(),
        "CONN_MAX_AGE": "0",
    }
    with log.open("a") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--queues",
                queue,
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{queue}@%h",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
    return worker


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture
def broker_queue(redis_url):
    """The test's tasks go through Redis to a queue of their own."""
    queue = f"test-{uuid.uuid4().hex}"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        _reset_connections()


@pytest.fixture
def celery_worker(redis_url, broker_queue, tmp_path):
    """A worker in its own process, on a queue of its own, sharing the test database and media."""
    log = tmp_path / "worker.log"
    worker = _start_worker(broker_queue, log, redis_url)
    try:
        yield worker, log
    finally:
        _stop(worker)


def _wait_for(document: Document, worker: subprocess.Popen, log: Path, timeout: float = 90) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.state != Document.State.QUEUED:
            return document
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped:\n{log.read_text()}")
        time.sleep(0.25)
    pytest.fail(f"The document was not rendered in {timeout} s. Worker log:\n{log.read_text()}")


def test_pdf_task_goes_through_the_broker_to_a_worker(celery_worker, kyrgyz_organization):
    worker, log = celery_worker
    member = OrganizationMembershipFactory(organization=kyrgyz_organization).user

    document = document_request(
        subject=kyrgyz_organization, kind=REGISTRATION_CARD, requested_by=member, language="ru"
    )
    assert document.state == Document.State.QUEUED  # not rendered in this process

    document = _wait_for(document, worker, log)

    assert document.state == Document.State.READY, document.error
    assert "render_document" in log.read_text()
    with document.file.open("rb") as pdf:
        text = pdf_text(pdf.read())
    assert "Коомдук фонд «Балдарга Тирек» — Үмүт, Өнүгүү, Таң" in text
    assert "Чолпон Абдылдаева" in text


def test_a_worker_killed_mid_render_leaves_a_document_that_is_prepared_exactly_once(
    redis_url, broker_queue, tmp_path, kyrgyz_organization, settings
):
    """The worker dies in the middle of a render; the broker would hold the task for an hour. The
    sweep sends it again, a new worker prepares it, and there is one document with one file."""
    marks = tmp_path / "marks"
    marks.mkdir()
    log = tmp_path / "worker.log"
    slow = _start_worker(
        broker_queue,
        log,
        redis_url,
        app="ssp_portal.documents.tests.slow_worker",
        SSP_TEST_MARKS=str(marks),
        SSP_TEST_RENDER_SECONDS="60",
    )
    try:
        document = document_request(
            subject=kyrgyz_organization, kind=REGISTRATION_CARD, requested_by=None, language="ru"
        )
        started = time.monotonic()
        while not (marks / "render-started").exists():
            if slow.poll() is not None or time.monotonic() - started > 60:
                pytest.fail(f"The render did not start:\n{log.read_text()}")
            time.sleep(0.1)
        slow.kill()  # SIGKILL in the middle of the render
        slow.wait(timeout=20)
    finally:
        if slow.poll() is None:
            slow.kill()
    document.refresh_from_db()
    assert document.state == Document.State.QUEUED

    Document.objects.filter(pk=document.pk).update(
        queued_at=document.queued_at - datetime.timedelta(minutes=settings.SSP_JOB_STUCK_MINUTES + 1)
    )
    worker = _start_worker(broker_queue, log, redis_url)
    try:
        assert documents_requeue_stuck() == 1
        document = _wait_for(document, worker, log)
    finally:
        _stop(worker)
    assert document.state == Document.State.READY, document.error
    assert document.attempts == 2
    assert Document.objects.for_subject(kyrgyz_organization, REGISTRATION_CARD).count() == 1
    assert [name for name in stored_files() if name.endswith(".pdf")] == [document.file.name]
