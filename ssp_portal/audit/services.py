from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ssp_portal.audit.models import AuditEvent


def audit_record(
    *,
    actor: models.Model | None,
    verb: str,
    target: models.Model,
    details: dict[str, Any] | None = None,
    scope: models.Model | None = None,
    at: datetime | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Write one immutable audit event. Call it inside the service's transaction.

    ``scope`` is a larger object whose timeline also shows the event (a competition's
    municipality); ``at`` is when it happened, now unless a service records the past; ``label``
    names the target in the log when its own name must not appear there.
    """
    if target.pk is None:
        raise ValueError("An audit event needs a saved target.")
    actor_label = ""
    if actor is not None:
        actor_label = (getattr(actor, "get_full_name", lambda: "")() or str(actor))[:255]
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=(label if label is not None else str(target))[:255],
        details=details or {},
        scope_type=ContentType.objects.get_for_model(scope) if scope is not None else None,
        scope_id=str(scope.pk) if scope is not None else "",
        created_at=at or timezone.now(),
    )
