from __future__ import annotations

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ssp_portal.celery import send_when_possible
from ssp_portal.documents.models import Document, stuck_before
from ssp_portal.documents.registry import get_kind
from ssp_portal.documents.rendering import html_to_pdf

logger = logging.getLogger(__name__)

#: Errors that pass: the database or the disk was briefly unavailable. The task retries them.
TRANSIENT = (DatabaseError, OSError)


def document_request(
    *, subject: models.Model, kind: str, requested_by: models.Model | None, language: str
) -> Document:
    """Queue a PDF of ``subject``; a request while one is being prepared returns that one, sent
    to a worker again if it is stuck (``Document.is_stuck``)."""
    get_kind(kind)  # an unknown kind fails here, not in the worker
    with transaction.atomic():
        pending = (
            Document.objects.for_subject(subject, kind)
            .filter(state=Document.State.QUEUED, language=language)
            .select_for_update()
            .first()
        )
        if pending is not None:
            if pending.is_stuck:
                _requeue(pending)
            return pending
        document = Document.objects.create(
            kind=kind,
            subject=subject,
            language=language,
            requested_by=requested_by,
        )
        _send(document)
    return document


def _send(document: Document) -> None:
    # The tasks module imports this one.
    from ssp_portal.documents.tasks import render_document

    transaction.on_commit(lambda: send_when_possible(render_document, str(document.pk)))


def _requeue(document: Document) -> None:
    """Send a stuck document to a worker again, or give up after SSP_JOB_MAX_ATTEMPTS."""
    if document.attempts >= settings.SSP_JOB_MAX_ATTEMPTS:
        _document_fail(document, f"No worker prepared it in {document.attempts} attempts.")
        return
    Document.objects.filter(pk=document.pk, state=Document.State.QUEUED).update(
        attempts=document.attempts + 1, queued_at=timezone.now()
    )
    document.refresh_from_db()
    _send(document)


def documents_requeue_stuck() -> int:
    """The periodic sweep: documents queued too long are sent again (or failed). Safe to run twice
    at once: each row is taken under a lock that the other run skips."""
    count = 0
    with transaction.atomic():
        stuck = Document.objects.filter(state=Document.State.QUEUED, queued_at__lt=stuck_before())
        for document in stuck.select_for_update(skip_locked=True).order_by("queued_at")[:500]:
            _requeue(document)
            count += 1
    return count


def document_render(*, document_id: str) -> Document | None:
    """Render a queued document. Safe to run twice: only the first run writes the file."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.state != Document.State.QUEUED:
        return document
    kind = get_kind(document.kind)
    subject = document.subject
    if subject is None:
        return _document_fail(document, "The subject of this document no longer exists.")
    try:
        with translation.override(document.language):
            context = {
                **kind.context(subject),
                "document": document,
                "generated_at": timezone.now(),
                "site_url": settings.SSP_SITE_URL,
            }
            html = render_to_string(kind.template, context)
        pdf = html_to_pdf(html)
    except TRANSIENT:
        raise  # the task tries again later; the document stays queued
    except Exception as exc:  # a template or rendering error is final: record it, do not retry
        logger.exception("Document %s could not be rendered", document.pk)
        return _document_fail(document, f"{type(exc).__name__}: {exc}")

    stored = ContentFile(pdf)
    name = document.file.field.generate_filename(document, "document.pdf")
    path = document.file.storage.save(name, stored)
    updated = Document.objects.filter(pk=document.pk, state=Document.State.QUEUED).update(
        state=Document.State.READY,
        file=path,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        finished_at=timezone.now(),
        error="",
    )
    if not updated:  # another run finished first: keep its file, drop ours
        document.file.storage.delete(path)
    document.refresh_from_db()
    return document


def documents_delete_for(*, subject: models.Model) -> int:
    """Delete the generated documents of a subject that is itself being deleted; their files go
    once the caller's transaction commits. Returns how many there were."""
    documents = list(
        Document.objects.select_for_update().filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )
    )
    for document in documents:
        if document.file:
            transaction.on_commit(partial(document.file.storage.delete, document.file.name))
        document.delete()
    return len(documents)


def _document_fail(document: Document, error: str) -> Document:
    Document.objects.filter(pk=document.pk, state=Document.State.QUEUED).update(
        state=Document.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    document.refresh_from_db()
    return document
