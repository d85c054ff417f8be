from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from monitoring.services import reminders


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def remind_reports() -> int:
    """Periodic: reports due in 7 and 1 days, overdue reports, reviews waiting too long."""
    return reminders.remind_reports()
