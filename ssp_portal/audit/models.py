from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ssp_portal.audit.registry import verb_label


class ImmutableEventError(RuntimeError):
    """Raised on an attempt to change or delete a recorded audit event."""


class AuditEventQuerySet(models.QuerySet):
    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        )

    def in_scope(self, scope: models.Model) -> AuditEventQuerySet:
        """Events of ``scope`` itself and of everything recorded within it."""
        content_type = ContentType.objects.get_for_model(scope)
        return self.filter(
            models.Q(target_type=content_type, target_id=str(scope.pk))
            | models.Q(scope_type=content_type, scope_id=str(scope.pk))
        )

    def update(self, **kwargs):
        raise ImmutableEventError("Audit events cannot be changed.")

    def delete(self):
        raise ImmutableEventError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One state change: who did what to which object, when, with details.

    Rows are written once (services call ``audit_record``) and never changed: the model refuses
    updates and deletes, and on PostgreSQL triggers refuse them, and TRUNCATE, too. Each event is
    a link of one hash chain (ssp_portal/audit/chain.py): ``position`` counts the events, ``hash``
    covers the event's content and ``previous_hash``, the hash at the position before.
    ``created_at`` is when it happened (a service may record the past); ``recorded_at`` is when
    the database wrote it, so that a back-dated event shows.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted on its own (for example at a deadline)."),
    )
    actor_label = models.CharField(_("actor as shown"), max_length=255, blank=True)
    verb = models.CharField(_("action"), max_length=80)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("object as shown"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The larger object whose timeline also shows this event (a competition's municipality).
    scope_type = models.ForeignKey(
        ContentType,
        verbose_name=_("scope type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_id = models.CharField(_("scope id"), max_length=64, blank=True)
    position = models.PositiveBigIntegerField(_("position in the chain"), editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), editable=False)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-created_at"], name="audit_target_idx"),
            models.Index(fields=["scope_type", "scope_id", "-created_at"], name="audit_scope_idx"),
        ]
        constraints = [
            # One chain: a position is taken once and an event is followed by one event only.
            models.UniqueConstraint(fields=["position"], name="audit_event_position_unique"),
            models.UniqueConstraint(fields=["previous_hash"], name="audit_event_previous_hash_unique"),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="audit_event_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableEventError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("Audit events cannot be deleted.")

    @property
    def verb_label(self) -> str:
        return str(verb_label(self.verb))


class PublishedHeadQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEventError("Published heads cannot be changed.")

    def delete(self):
        raise ImmutableEventError("Published heads cannot be deleted.")


class PublishedHead(models.Model):
    """The chain's head at the end of a day, published for anyone to keep a copy of.

    Written once a day by a periodic task and never changed (on PostgreSQL, triggers refuse
    UPDATE, DELETE and TRUNCATE). ``audit_verify`` checks the chain against these rows and
    against copies kept elsewhere: a rewritten chain no longer ends a day with this hash.
    """

    date = models.DateField(_("date"), unique=True)
    last_event_id = models.BigIntegerField(_("last event"))
    count = models.PositiveBigIntegerField(_("events"))
    hash = models.CharField(_("hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = PublishedHeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("published chain head")
        verbose_name_plural = _("published chain heads")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} #{self.count} {self.hash}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableEventError("Published heads cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("Published heads cannot be deleted.")
