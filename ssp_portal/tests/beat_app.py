"""The portal's Celery application with one beat entry more, for the test of the beat lock: every
half second it sends a task that names the node whose beat sent it (SSP_TEST_NODE) to a queue of
the test's own (SSP_TEST_QUEUE), where no worker takes it."""

from __future__ import annotations

import os

from ssp_portal.celery import app

__all__ = ["app"]

app.conf.beat_schedule = {
    "test-tick": {
        "task": "ssp_portal.tests.beat_app.tick",
        "schedule": 0.5,
        "args": [os.environ["SSP_TEST_NODE"]],
        "options": {"queue": os.environ["SSP_TEST_QUEUE"]},
    }
}
