"""The Celery application. Settings come from Django's settings (prefix CELERY_)."""

from __future__ import annotations

import logging
import os

from celery import Celery

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssp_portal.settings")

app = Celery("ssp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def send_when_possible(task, *args) -> None:
    """Hand a task to the broker; when the broker cannot be reached, log and go on.

    The work is recorded in the database (a queued document or e-mail) before it is sent, and the
    periodic sweep (``requeue-stuck-jobs``) sends again whatever stays queued: a person's request
    never fails because the broker is down.
    """
    try:
        task.delay(*args)
    except Exception:  # kombu and redis raise their own connection errors
        logger.warning(
            "The broker refused %s%r; the sweep will send it again.", task.name, args, exc_info=True
        )
