from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from organizations.factories import UserFactory
from ssp_portal.celery import app as celery_app
from ssp_portal.notifications.models import OutgoingEmail
from ssp_portal.notifications.services import email_deliver, email_notify
from ssp_portal.notifications.tasks import deliver_email

pytestmark = pytest.mark.django_db

TEMPLATE = "organizations/email/status_changed"


@pytest.fixture
def verified_context():
    from organizations.factories import OrganizationFactory

    return {
        "organization": OrganizationFactory(verified=True, name='Public Union "Ulukman Daryger"'),
        "reason": "",
    }


def test_an_email_is_rendered_in_the_recipients_language_and_sent_after_commit(
    verified_context, django_capture_on_commit_callbacks
):
    user = UserFactory(language="ky", full_name="Meerim Osmonova")

    with django_capture_on_commit_callbacks(execute=True):
        email = email_notify(user=user, template=TEMPLATE, context=verified_context)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    # In Kyrgyz; the subject is text, not HTML-escaped.
    assert message.subject == 'Public Union "Ulukman Daryger" уюму текшерилди'
    assert "Саламатсызбы, Meerim." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="ky">' in html
    assert "Public Union &quot;Ulukman Daryger&quot;" in html  # HTML is escaped
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert email.language == "ky"
    assert email.text == email.html == ""  # the body is not kept after delivery


def test_delivering_twice_sends_once(verified_context, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_notify(user=UserFactory(), template=TEMPLATE, context=verified_context)

    assert email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_failing_smtp_server_is_retried_then_the_email_is_marked_failed(verified_context, monkeypatch):
    email = email_notify(user=UserFactory(), template=TEMPLATE, context=verified_context)
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    # In-process, each retry runs at once inside the previous attempt; let them all run.
    celery_app.conf.task_eager_propagates = False
    try:
        deliver_email.apply(args=[email.pk], throw=False)
    finally:
        celery_app.conf.task_eager_propagates = True

    assert len(calls) == deliver_email.max_retries + 1
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.FAILED
    assert email.attempts == deliver_email.max_retries + 1
    assert "connection lost" in email.last_error


def test_a_transient_failure_then_success_sends_once(verified_context, monkeypatch):
    email = email_notify(user=UserFactory(), template=TEMPLATE, context=verified_context)
    original = mail.EmailMultiAlternatives.send
    failures = iter([True])

    def flaky(self, *args, **kwargs):
        if next(failures, False):
            raise ConnectionRefusedError("try later")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)

    deliver_email.apply(args=[email.pk], throw=False)

    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1
