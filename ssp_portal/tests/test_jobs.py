"""Work that goes through the broker recovers: a broker that is down, a worker that stops."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.documents import REGISTRATION_CARD
from organizations.factories import OrganizationFactory
from procurement.documents import RECEIPT
from procurement.factories import ApplicationFactory, CompetitionFactory, fill_application
from procurement.models import Application
from ssp_portal.celery import app as celery_app
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request, documents_requeue_stuck
from ssp_portal.notifications import services as notifications
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.timedelta(minutes=11)


@pytest.fixture
def broker_down():
    """Tasks go to a broker that does not answer."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)
    yield
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


def test_a_submission_succeeds_while_the_broker_is_down(
    client, broker_down, municipality, organization, nco_member, django_capture_on_commit_callbacks
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    draft = fill_application(ApplicationFactory(competition=competition, organization=organization))
    client.force_login(nco_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("procurement:application-submit", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("procurement:application-receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED
    # The receipt PDF and the e-mail wait, recorded, for the sweep.
    assert Document.objects.for_subject(draft, RECEIPT).get().state == Document.State.QUEUED
    assert OutgoingEmail.objects.filter(to=nco_member.email, state=OutgoingEmail.State.QUEUED).exists()


def _queued_long_ago(attempts: int = 1) -> Document:
    organization = OrganizationFactory()
    Document.objects.create(kind=REGISTRATION_CARD, subject=organization, language="en")
    Document.objects.update(queued_at=timezone.now() - LONG_AGO, attempts=attempts)
    return Document.objects.get()


def test_the_sweep_prepares_a_stuck_document_again(django_capture_on_commit_callbacks):
    document = _queued_long_ago()
    assert document.is_stuck
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_requeue_stuck() == 1
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.READY, 2)


def test_the_sweep_leaves_a_document_that_is_not_stuck_alone(django_capture_on_commit_callbacks):
    document = _queued_long_ago()
    Document.objects.update(queued_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert documents_requeue_stuck() == 0
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.QUEUED, 1)


def test_the_sweep_gives_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    document = _queued_long_ago(attempts=settings.SSP_JOB_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        documents_requeue_stuck()
    document.refresh_from_db()
    assert document.state == Document.State.FAILED
    assert "attempts" in document.error


def test_asking_again_for_a_stuck_document_prepares_it(django_capture_on_commit_callbacks):
    document = _queued_long_ago()
    with django_capture_on_commit_callbacks(execute=True):
        again = document_request(
            subject=document.subject, kind=REGISTRATION_CARD, requested_by=None, language="en"
        )
    assert again.pk == document.pk
    again.refresh_from_db()
    assert again.state == Document.State.READY


def test_a_stuck_document_offers_to_prepare_it_again(client):
    document = _queued_long_ago()
    organization = document.subject
    from organizations.factories import OrganizationMembershipFactory

    member = OrganizationMembershipFactory(organization=organization).user
    client.force_login(member)
    panel = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "taking longer than it should" in panel
    assert "Prepare again" in panel


def test_healthz_reports_the_oldest_queued_job(client, settings):
    settings.REDIS_URL = ""
    _queued_long_ago()
    Document.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=30))
    age = client.get(reverse("healthz")).json()["oldest_queued_job_seconds"]
    assert 30 * 60 <= age < 31 * 60


# E-mails -----------------------------------------------------------------------------------------


def _email() -> OutgoingEmail:
    rendered = notifications.RenderedEmail(subject="Hello", text="Text", html="")
    return notifications.email_queue(to="a@example.org", rendered=rendered, template="t", language="en")


def test_an_email_is_sent_once_with_a_stable_message_id():
    email = _email()
    mail.outbox.clear()
    assert notifications.email_deliver(email_id=email.pk) is True
    assert notifications.email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == notifications.message_id(email)


def test_an_email_left_in_sending_by_a_stopped_worker_is_not_sent_again():
    email = _email()
    mail.outbox.clear()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENDING, attempts=1, queued_at=timezone.now() - LONG_AGO
    )
    assert notifications.emails_requeue_stuck() == 1
    assert notifications.email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.FAILED
    assert "may have been delivered" in email.last_error
    assert mail.outbox == []


def test_a_queued_email_that_no_worker_took_is_sent_by_the_sweep(django_capture_on_commit_callbacks):
    email = _email()
    mail.outbox.clear()
    OutgoingEmail.objects.filter(pk=email.pk).update(queued_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.emails_requeue_stuck() == 1
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert len(mail.outbox) == 1


def test_a_refused_attempt_goes_back_to_the_queue(monkeypatch):
    email = _email()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutgoingEmail.State.QUEUED, 1)
    assert "gone" in email.last_error
