from __future__ import annotations

import hashlib
import logging
import tempfile
from functools import partial
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
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
CHUNK_BYTES = 1024 * 1024


def document_request(
    *, subject: models.Model, kind: str, requested_by: models.Model | None, language: str
) -> Document:
    """Queue a document (a PDF, or what its kind builds) of ``subject``; a request while one is
    being prepared returns that one, sent to a worker again if it is stuck (``Document.is_stuck``)."""
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


def document_pdf(*, subject: models.Model, kind: str, document: Document) -> bytes:
    """A PDF of ``kind`` about ``subject`` rendered now in the active language, its footer naming
    ``document``: what the worker stores, and what a builder puts in a bundle."""
    document_kind = get_kind(kind)
    context = {
        **document_kind.context(subject),
        "document": document,
        "generated_at": timezone.now(),
        "site_url": settings.SSP_SITE_URL,
    }
    return html_to_pdf(render_to_string(document_kind.template, context))


def _produce(document: Document, subject: models.Model, output: IO[bytes]) -> None:
    """Write the document's file to ``output``: a PDF from its template, or what its kind builds."""
    kind = get_kind(document.kind)
    with translation.override(document.language):
        if kind.build is not None:
            kind.build(subject, output, document)
        else:
            output.write(document_pdf(subject=subject, kind=document.kind, document=document))


def document_render(*, document_id: str) -> Document | None:
    """Render a queued document. Safe to run twice: only the first run writes the file."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.state != Document.State.QUEUED:
        return document
    subject = document.subject
    if subject is None:
        return _document_fail(document, "The subject of this document no longer exists.")
    # A temporary file: a bundle of attachments is never held whole in memory.
    with tempfile.TemporaryFile() as output:
        try:
            _produce(document, subject, output)
        except TRANSIENT:
            raise  # the task tries again later; the document stays queued
        except Exception as exc:  # a template or rendering error is final: record it, do not retry
            logger.exception("Document %s could not be rendered", document.pk)
            return _document_fail(document, f"{type(exc).__name__}: {exc}")
        return _document_store(document, output)


def _document_store(document: Document, output: IO[bytes]) -> Document:
    """Save the written file through the storage API and mark the document ready, unless another
    run did first (then its file is kept and ours dropped)."""
    extension = get_kind(document.kind).extension
    digest, size = hashlib.sha256(), 0
    output.seek(0)
    for chunk in iter(lambda: output.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        size += len(chunk)
    output.seek(0)
    document.file_extension = extension  # the stored name's extension (private_upload_to)
    name = document.file.field.generate_filename(document, f"document.{extension}")
    path = document.file.storage.save(name, File(output))
    updated = Document.objects.filter(pk=document.pk, state=Document.State.QUEUED).update(
        state=Document.State.READY,
        file=path,
        size=size,
        sha256=digest.hexdigest(),
        finished_at=timezone.now(),
        error="",
    )
    if not updated:
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
