"""Two web nodes, one database, one object store: gunicorn on two ports, both on the test's
PostgreSQL database and an S3 bucket (moto), with a Celery worker through Redis. A member signs
in on node A, uploads and submits there; on node B the same session downloads the file and the
receipt the worker rendered, and finance staff see the application."""

from __future__ import annotations

import datetime
import socket
import sys
import uuid

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.factories import PDF_BYTES
from procurement.documents import RECEIPT
from procurement.factories import fill_application
from procurement.models import Application, ApplicationAttachment, Competition
from ssp_portal.documents.models import Document
from ssp_portal.tests.processes import portal_env, start, stop, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.nodes, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for node tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Node:
    """A gunicorn node of the portal, and a browser's session with it (``requests``)."""

    def __init__(self, name: str, *, env: dict[str, str], tmp_path) -> None:
        self.log = tmp_path / f"node-{name}.log"
        self.url = f"http://127.0.0.1:{_free_port()}"
        command = [
            sys.executable, "-m", "gunicorn", "ssp_portal.tests.node_wsgi:application",
            "--bind", self.url.removeprefix("http://"), "--workers", "1", "--threads", "4",
            "--timeout", "60", "--graceful-timeout", "5",
        ]  # fmt: skip
        self.process = start(command, log=self.log, env=env)

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/healthz", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or still loading the portal
            return False


def _post(session: requests.Session, url: str, data: dict, files: dict | None = None):
    """A form sent as a browser sends it: with the CSRF token of the session's cookie."""
    token = session.cookies.get("csrftoken")
    return session.post(
        url, data={"csrfmiddlewaretoken": token, **data}, files=files, allow_redirects=False, timeout=30
    )


def _sign_in(session: requests.Session, node: Node, email: str) -> None:
    login = f"{node.url}{reverse('account_login')}"
    session.get(login, timeout=30)
    response = _post(session, login, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.text[:2000]
    assert session.cookies.get("sessionid")


def _staff_cookie(user) -> str:
    """A finished staff log-in (password and second factor, as the suite's force_login records it),
    in the shared database's sessions."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def nodes(postgresql, redis_url, s3_storage, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    env = portal_env(redis_url, SSP_TEST_QUEUE=queue, PYTHONUNBUFFERED="1")
    worker_log = tmp_path / "worker.log"
    worker = start(
        [
            sys.executable, "-m", "celery", "-A", "ssp_portal", "worker", "--queues", queue,
            "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "INFO", "--hostname", f"{queue}@%h",
        ],
        log=worker_log,
        env=env,
    )  # fmt: skip
    started = [Node("a", env=env, tmp_path=tmp_path), Node("b", env=env, tmp_path=tmp_path)]
    logs = [worker_log, *(node.log for node in started)]
    try:
        for node in started:
            wait_until(node.ready, what=f"{node.url}/healthz answering 200", logs=logs)
        yield (*started, logs)
    finally:
        stop(*(node.process for node in started), worker)


def test_a_member_submits_on_one_node_and_downloads_on_the_other(
    nodes, competition, organization, nco_member, finance_staff, s3_server, s3_storage
):
    node_a, node_b, logs = nodes
    hasher = PBKDF2PasswordHasher()  # the nodes' hasher (the suite's own is quicker)
    type(nco_member).objects.filter(pk=nco_member.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    browser = requests.Session()
    _sign_in(browser, node_a, nco_member.email)

    # Node A: start, fill in (the sections through the services), attach the charter, submit.
    start_url = reverse("procurement:application-start", args=[competition.reference])
    assert _post(browser, f"{node_a.url}{start_url}", {"organization": organization.pk}).status_code == 302
    application = Application.objects.get()
    fill_application(application)
    application.attachments.all().delete()
    charter = competition.required_documents.get()
    upload_url = reverse("procurement:attachment-upload", args=[application.pk])
    uploaded = _post(
        browser,
        f"{node_a.url}{upload_url}",
        {"required_document": charter.pk},
        files={"file": ("Устав.pdf", PDF_BYTES, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    attachment = ApplicationAttachment.objects.get(application=application)
    assert attachment.file.name in s3_server.keys(s3_storage)
    submit_url = reverse("procurement:application-submit", args=[application.pk])
    assert _post(browser, f"{node_a.url}{submit_url}", {}).status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED

    # Node B, the same browser: the attachment, and the receipt the worker rendered into the bucket.
    attachment_file = browser.get(f"{node_b.url}{attachment.get_absolute_url()}", timeout=30)
    assert attachment_file.status_code == 200
    assert attachment_file.content == PDF_BYTES
    receipt = wait_until(
        lambda: Document.objects.filter(kind=RECEIPT, state=Document.State.READY).first(),
        what="the receipt rendered by the worker",
        logs=logs,
    )
    assert receipt.file.name in s3_server.keys(s3_storage)
    pdf = browser.get(f"{node_b.url}{reverse('documents:download', args=[receipt.pk])}", timeout=30)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) == receipt.size
    page = browser.get(f"{node_b.url}{application.get_absolute_url()}", timeout=30).text
    assert application.receipt_number in page

    # Node B, finance staff, once the deadline has passed and the application is unsealed.
    Competition.objects.filter(pk=competition.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    staff = requests.Session()
    staff.cookies.set("sessionid", _staff_cookie(finance_staff))
    listed = staff.get(
        f"{node_b.url}{reverse('procurement:competition-applications', args=[competition.reference])}",
        timeout=30,
    )
    assert listed.status_code == 200
    assert application.receipt_number in listed.text
    opened = staff.get(f"{node_b.url}{attachment.get_absolute_url()}", timeout=30)
    assert opened.status_code == 200 and opened.content == PDF_BYTES
    browser.close()
    staff.close()
