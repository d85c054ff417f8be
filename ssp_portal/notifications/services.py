from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ssp_portal.celery import send_when_possible
from ssp_portal.notifications.models import OutgoingEmail, Reminder

logger = logging.getLogger(__name__)


def about_fields(about: models.Model | None) -> dict[str, Any]:
    if about is None:
        return {}
    return {"about_type": ContentType.objects.get_for_model(about), "about_id": str(about.pk)}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_render(*, template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render ``<template>_subject.txt``, ``_message.txt`` and ``_message.html`` in a language."""
    context = {"support_email": settings.SSP_SUPPORT_EMAIL, "site_url": settings.SSP_SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}_message.txt", context).strip()
        text += "\n\n" + render_to_string("email/footer.txt", context).strip()
        html = render_to_string(f"{template}_message.html", context).strip()
    subject = " ".join(subject.splitlines()).strip()
    return RenderedEmail(subject=subject, text=text, html=html)


def email_queue(
    *,
    to: str,
    rendered: RenderedEmail,
    template: str,
    language: str,
    recipient: Any = None,
    about: models.Model | None = None,
) -> OutgoingEmail:
    """Store a rendered message and deliver it through Celery once the transaction commits.

    ``about`` is the object the message concerns; while it is sealed (ssp_portal/seals.py) the
    administration site does not list the message.
    """
    email = OutgoingEmail.objects.create(
        to=to,
        recipient=recipient,
        **about_fields(about),
        template=template,
        language=language,
        subject=rendered.subject[:255],
        text=rendered.text,
        html=rendered.html,
    )
    _send(email)
    return email


def _send(email: OutgoingEmail) -> None:
    # The tasks module imports this one.
    from ssp_portal.notifications.tasks import deliver_email

    transaction.on_commit(lambda: send_when_possible(deliver_email, email.pk))


def email_notify(
    *, user: Any, template: str, context: dict[str, Any], about: models.Model | None = None
) -> OutgoingEmail:
    """Send a templated e-mail to a person, in the language they chose."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    rendered = email_render(template=template, context={"user": user, **context}, language=language)
    return email_queue(
        to=user.email, rendered=rendered, template=template, language=language, recipient=user, about=about
    )


def message_id(email: OutgoingEmail) -> str:
    """The same Message-ID for every attempt, so that a receiving server can drop a repeat."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition("@")[2] or "ssp.invalid"
    return f"<ssp-email-{email.pk}@{domain}>"


def email_deliver(*, email_id: int) -> bool:
    """Send a queued e-mail once. Returns False when there was nothing to send.

    The attempt is recorded (state ``sending``) before the mail server is asked: two workers
    cannot both send it, and a worker that stops after the server accepted it leaves it in
    ``sending``, which is never sent again. A refused attempt goes back to ``queued``.
    """
    claimed = OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).update(
        state=OutgoingEmail.State.SENDING, attempts=F("attempts") + 1, queued_at=timezone.now()
    )
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": message_id(email)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.SENDING).update(
            state=OutgoingEmail.State.QUEUED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.SENDING).update(
        state=OutgoingEmail.State.SENT, sent_at=timezone.now(), text="", html="", last_error=""
    )
    return True


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).update(
        state=OutgoingEmail.State.FAILED, last_error=error[:2000]
    )


def email_retry_at(*, email_id: int, due: datetime.datetime) -> None:
    """A refused attempt will be tried again at ``due``: the sweep leaves it alone until then."""
    OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).update(queued_at=due)


def emails_requeue_stuck() -> int:
    """The periodic sweep. A queued e-mail whose attempt is long overdue is sent again (or failed
    after SSP_JOB_MAX_ATTEMPTS); one left in ``sending`` by a stopped worker is marked failed, not
    sent again, because the mail server may have delivered it."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.SSP_JOB_STUCK_MINUTES)
    count = 0
    with transaction.atomic():
        interrupted = OutgoingEmail.objects.filter(state=OutgoingEmail.State.SENDING, queued_at__lt=limit)
        count += interrupted.update(
            state=OutgoingEmail.State.FAILED,
            last_error="The worker stopped while sending; it may have been delivered: not sent again.",
        )
        stuck = OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED, queued_at__lt=limit)
        for email in stuck.select_for_update(skip_locked=True).order_by("queued_at")[:500]:
            if email.attempts >= settings.SSP_JOB_MAX_ATTEMPTS:
                email_mark_failed(email_id=email.pk, error=f"Not sent in {email.attempts} attempts.")
            else:
                OutgoingEmail.objects.filter(pk=email.pk).update(queued_at=timezone.now())
                _send(email)
            count += 1
    return count


def reminder_claim(*, key: str, recipient: Any = None, about: models.Model | None = None) -> bool:
    """Record that the reminder ``key`` is being sent. False if it was sent already.

    Call it inside the transaction that queues the reminder's e-mail: if that transaction
    rolls back, the claim goes with it and a later run sends the reminder.
    """
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, recipient=recipient, **about_fields(about))
    except IntegrityError:
        return False
    return True


def reminder_send(
    *, key: str, user: Any, template: str, context: dict[str, Any], about: models.Model | None = None
) -> bool:
    """Send a reminder e-mail exactly once for ``key``; False when it had been sent."""
    with transaction.atomic():
        if not reminder_claim(key=key, recipient=user, about=about):
            return False
        email_notify(user=user, template=template, context=context, about=about)
    return True
