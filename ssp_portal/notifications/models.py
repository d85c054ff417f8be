from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


# Declared at module level so that Meta's constraints can name them; read it as ``OutgoingEmail.State``.
class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Handed to the mail server: a worker that stops now leaves it here, and it is not sent again
    # (it may have been delivered).
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingEmail(models.Model):
    """One e-mail to one address, rendered in the recipient's language, delivered by a task.

    The body is cleared once the message is delivered: it may hold one-time links.
    """

    State = EmailState

    to = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.CharField(_("template"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When it was last handed to a worker (or is next due, after a failed attempt).
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The object the message is about (an application, say): while it is sealed the
    # administration site does not list the message (ssp_portal/seals.py).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    about_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=EmailState.values),
                name="outgoingemail_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Reminder(models.Model):
    """The record that a reminder was sent: its key is unique, so it is sent once.

    A key names the occasion exactly, for example ``draft:application-17:user-4:7d``. Two
    overlapping runs both try to insert the key; the database lets one of them succeed.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The object the message is about (an application, say): while it is sealed the
    # administration site does not list the message (ssp_portal/seals.py).
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    about_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
