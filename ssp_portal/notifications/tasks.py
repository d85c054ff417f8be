from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from ssp_portal.notifications import services


@shared_task(bind=True, max_retries=8)
def deliver_email(self, email_id: int) -> None:
    try:
        services.email_deliver(email_id=email_id)
    except (smtplib.SMTPException, OSError) as exc:
        if self.request.retries >= self.max_retries:
            services.email_mark_failed(email_id=email_id, error=f"{type(exc).__name__}: {exc}")
            raise
        # Back off: 30 s, 60 s, 120 s ... up to an hour.
        countdown = min(30 * 2**self.request.retries, 3600)
        services.email_retry_at(email_id=email_id, due=timezone.now() + datetime.timedelta(seconds=countdown))
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def requeue_stuck_emails() -> int:
    return services.emails_requeue_stuck()
