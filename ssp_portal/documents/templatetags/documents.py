from __future__ import annotations

from django import template
from django.db import models
from django.utils import translation

from ssp_portal.documents.registry import get_kind
from ssp_portal.documents.selectors import document_for_display
from ssp_portal.languages import NATIVE_NAMES

register = template.Library()


@register.inclusion_tag("documents/partials/document_panel.html", takes_context=True)
def document_panel(
    context: template.Context, subject: models.Model, kind: str, language: str | None = None
) -> dict:
    """The state of a subject's document of a kind, with its download or request button; with
    ``language``, the document in that language alone (an announcement offered in each)."""
    request = context.get("request")
    document_kind = get_kind(kind)
    user = getattr(request, "user", None)
    shown = language or translation.get_language()
    return {
        "document": document_for_display(subject=subject, kind=kind, language=shown, exact=bool(language)),
        "language": language or "",
        "language_name": NATIVE_NAMES.get(language, "") if language else "",
        "kind": document_kind,
        "subject": subject,
        "can_request": user is not None and document_kind.requestable_by(user, subject),
        "next_url": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
