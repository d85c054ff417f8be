"""The portal's WSGI application for a gunicorn node started by a test: as ``ssp_portal.wsgi``,
with the tasks it sends going to the test's own queue (SSP_TEST_QUEUE), where the test's worker
takes them."""

from __future__ import annotations

import os

from ssp_portal.celery import app as celery_app
from ssp_portal.wsgi import application

__all__ = ["application"]

celery_app.conf.task_default_queue = os.environ["SSP_TEST_QUEUE"]
