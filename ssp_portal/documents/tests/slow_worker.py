"""The portal's Celery application with a slow renderer, for a worker that a test stops mid-render.

Start a worker with ``-A ssp_portal.documents.tests.slow_worker``: every render waits
SSP_TEST_RENDER_SECONDS before it starts, and writes the file ``render-started`` in SSP_TEST_MARKS
when it begins, so that the test knows when to stop the worker.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery import signals

from ssp_portal.celery import app

__all__ = ["app"]


@signals.task_prerun.connect
def _slow_renderer(**_kwargs) -> None:
    from ssp_portal.documents import services

    if getattr(services, "_slowed", False):
        return
    render = services.html_to_pdf

    def slow(html: str) -> bytes:
        Path(os.environ["SSP_TEST_MARKS"], "render-started").touch()
        time.sleep(float(os.environ.get("SSP_TEST_RENDER_SECONDS", "30")))
        return render(html)

    services.html_to_pdf = slow
    services._slowed = True
