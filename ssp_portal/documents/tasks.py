from __future__ import annotations

from celery import shared_task

from ssp_portal.documents import services


@shared_task(
    autoretry_for=services.TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=6,
)
def render_document(document_id: str) -> None:
    services.document_render(document_id=document_id)


@shared_task
def requeue_stuck_documents() -> int:
    return services.documents_requeue_stuck()
