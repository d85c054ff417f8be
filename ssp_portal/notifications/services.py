from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ssp_portal.notifications.models import OutgoingEmail, Reminder

logger = logging.getLogger(__name__)


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
) -> OutgoingEmail:
    """Store a rendered message and deliver it through Celery once the transaction commits."""
    email = OutgoingEmail.objects.create(
        to=to,
        recipient=recipient,
        template=template,
        language=language,
        subject=rendered.subject[:255],
        text=rendered.text,
        html=rendered.html,
    )
    from ssp_portal.notifications.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(email.pk))
    return email


def email_notify(*, user: Any, template: str, context: dict[str, Any]) -> OutgoingEmail:
    """Send a templated e-mail to a person, in the language they chose."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    rendered = email_render(template=template, context={"user": user, **context}, language=language)
    return email_queue(to=user.email, rendered=rendered, template=template, language=language, recipient=user)


def email_deliver(*, email_id: int) -> bool:
    """Send a queued e-mail. Returns False when there was nothing to send (already sent)."""
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.state != OutgoingEmail.State.QUEUED:
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=email.attempts + 1)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()
    OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.QUEUED).update(
        state=OutgoingEmail.State.SENT, sent_at=timezone.now(), text="", html="", last_error=""
    )
    return True


def email_mark_failed(*, email_id: int, error: str) -> None:
    OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).update(
        state=OutgoingEmail.State.FAILED, last_error=error[:2000]
    )


def reminder_claim(*, key: str, recipient: Any = None) -> bool:
    """Record that the reminder ``key`` is being sent. False if it was sent already.

    Call it inside the transaction that queues the reminder's e-mail: if that transaction
    rolls back, the claim goes with it and a later run sends the reminder.
    """
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, recipient=recipient)
    except IntegrityError:
        return False
    return True


def reminder_send(*, key: str, user: Any, template: str, context: dict[str, Any]) -> bool:
    """Send a reminder e-mail exactly once for ``key``; False when it had been sent."""
    with transaction.atomic():
        if not reminder_claim(key=key, recipient=user):
            return False
        email_notify(user=user, template=template, context=context)
    return True
