from __future__ import annotations

from django.db import models

from ssp_portal.documents.models import Document


def document_latest(*, subject: models.Model, kind: str) -> Document | None:
    return Document.objects.for_subject(subject, kind).first()
