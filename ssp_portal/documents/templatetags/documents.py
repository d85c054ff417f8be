from __future__ import annotations

from django import template
from django.db import models

from ssp_portal.documents.registry import get_kind
from ssp_portal.documents.selectors import document_latest

register = template.Library()


@register.inclusion_tag("documents/partials/document_panel.html", takes_context=True)
def document_panel(context: template.Context, subject: models.Model, kind: str) -> dict:
    """The state of a subject's latest document of a kind, with its download or request button."""
    return {
        "document": document_latest(subject=subject, kind=kind),
        "kind": get_kind(kind),
        "subject": subject,
        "next_url": request.get_full_path() if (request := context.get("request")) else "",
        "csrf_token": context.get("csrf_token"),
    }
