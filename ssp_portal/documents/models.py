from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ssp_portal.files import private_upload_to
from ssp_portal.states import Tone, toned


class DocumentQuerySet(models.QuerySet):
    def for_subject(self, subject: models.Model, kind: str) -> DocumentQuerySet:
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=str(subject.pk),
            kind=kind,
        )


# Declared at module level so that Meta's constraints can name them; read it as ``Document.State``.
@toned(QUEUED=Tone.SECONDARY, READY=Tone.SUCCESS, FAILED=Tone.DANGER)
class DocumentState(models.TextChoices):
    QUEUED = "queued", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Document(models.Model):
    """A file made in the background about one subject: a PDF from a template, or what its kind
    builds (a zip)."""

    State = DocumentState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("file"), upload_to=private_upload_to("documents"), blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When it was last handed to a worker, and how many times: the sweep sends a document that
    # stays queued too long again, and gives up after SSP_JOB_MAX_ATTEMPTS.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    file_extension = "pdf"

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "kind", "-requested_at"],
                name="document_subject_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=DocumentState.values),
                name="document_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=DocumentState.READY) | ~models.Q(file=""),
                name="document_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} ({self.get_state_display()})"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def is_queued(self) -> bool:
        return self.state == self.State.QUEUED

    @property
    def is_stuck(self) -> bool:
        """Queued for longer than a render can take: a worker stopped or the broker lost it."""
        return self.is_queued and self.queued_at < stuck_before()


def stuck_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.SSP_JOB_STUCK_MINUTES)
