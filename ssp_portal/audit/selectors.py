from __future__ import annotations

from django.db import models

from ssp_portal.audit.models import AuditEvent, AuditEventQuerySet, PublishedHead


def audit_timeline(*, target: models.Model, limit: int = 100) -> AuditEventQuerySet:
    """The newest events of one object, ready for the timeline partial (one query)."""
    return AuditEvent.objects.for_target(target).select_related("actor")[:limit]


def audit_scope_timeline(*, scope: models.Model, limit: int = 100) -> AuditEventQuerySet:
    """The newest events of an object and of everything within it (a municipality's work)."""
    return AuditEvent.objects.in_scope(scope).select_related("actor", "target_type")[:limit]


def published_heads() -> models.QuerySet[PublishedHead]:
    """The chain heads published so far, newest first."""
    return PublishedHead.objects.order_by("-date")
