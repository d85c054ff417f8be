from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from ssp_portal.audit.services import chain_heads_publish_due


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def publish_chain_heads() -> int:
    """Daily: publish the audit chain's head of each day that has ended (safe to run twice)."""
    return len(chain_heads_publish_due())
