from __future__ import annotations

from django import template
from django.db import models
from django.utils import translation

from ssp_portal.documents.registry import get_kind
from ssp_portal.documents.selectors import document_for_display

register = template.Library()


@register.inclusion_tag("documents/partials/document_panel.html", takes_context=True)
def document_panel(context: template.Context, subject: models.Model, kind: str) -> dict:
    """The state of a subject's document of a kind, with its download or request button."""
    request = context.get("request")
    document_kind = get_kind(kind)
    user = getattr(request, "user", None)
    return {
        "document": document_for_display(subject=subject, kind=kind, language=translation.get_language()),
        "kind": document_kind,
        "subject": subject,
        "can_request": user is not None and document_kind.requestable_by(user, subject),
        "next_url": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
