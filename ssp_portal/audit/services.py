from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ssp_portal.audit.models import AuditEvent


def audit_record(
    *,
    actor: models.Model | None,
    verb: str,
    target: models.Model,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one immutable audit event. Call it inside the service's transaction."""
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
        target_label=str(target)[:255],
        details=details or {},
    )
