from __future__ import annotations

from django.db import models

from ssp_portal.documents.models import Document


def document_latest(*, subject: models.Model, kind: str) -> Document | None:
    return Document.objects.for_subject(subject, kind).first()


def document_for_display(
    *, subject: models.Model, kind: str, language: str, exact: bool = False
) -> Document | None:
    """The document to offer: the newest in the reader's language, else (unless ``exact``: a panel
    of that language alone) the newest ready one.

    One query: the few documents of one subject and kind are compared in Python.
    """
    documents = list(Document.objects.for_subject(subject, kind)[:20])
    in_language = [d for d in documents if d.language == language]
    if in_language or exact:
        return in_language[0] if in_language else None
    ready = [d for d in documents if d.is_ready]
    if ready:
        return ready[0]
    return documents[0] if documents else None
