from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ssp_portal.documents.models import Document
from ssp_portal.documents.registry import DocumentKind, get_kind
from ssp_portal.documents.selectors import document_for_display
from ssp_portal.documents.services import document_request
from ssp_portal.downloads import download_filename, download_response
from ssp_portal.files import open_stored_file
from ssp_portal.languages import NATIVE_NAMES
from ssp_portal.public_cache import not_modified, validators
from ssp_portal.web import back_to, safe_next


def _kind_or_404(code: str) -> DocumentKind:
    try:
        return get_kind(code)
    except LookupError:
        raise Http404 from None


class LoginNeededError(Exception):
    """The document may be visible after logging in."""


def _visible_document(request: HttpRequest, pk: str) -> tuple[Document, DocumentKind]:
    """A document whose subject the person may see; anything else is a 404 (or a log-in first)."""
    document = get_object_or_404(Document, pk=pk)
    kind = _kind_or_404(document.kind)
    subject = document.subject
    if subject is None or not kind.visible_to(request.user, subject):
        if not request.user.is_authenticated:
            raise LoginNeededError
        raise Http404
    return document, kind


def _language(request: HttpRequest, data: dict) -> tuple[str, bool]:
    """The language a document is asked in: ``language`` if given (one of the portal's languages,
    else 404), else the page's; and whether it was given (a panel of that language alone)."""
    asked = data.get("language")
    if asked is None or asked == "":
        return translation.get_language(), False
    if asked not in dict(settings.LANGUAGES):
        raise Http404
    return asked, True


def _panel(request: HttpRequest, document, kind, subject, language: str, exact: bool) -> HttpResponse:
    return render(
        request,
        "documents/partials/document_panel.html",
        {
            "document": document,
            "kind": kind,
            "subject": subject,
            "can_request": kind.requestable_by(request.user, subject),
            "next_url": _page_url(request, subject),
            "language": language if exact else "",
            "language_name": NATIVE_NAMES.get(language, "") if exact else "",
        },
    )


def _page_url(request: HttpRequest, subject: object) -> str:
    return back_to(request, getattr(subject, "get_absolute_url", lambda: "/")())


@login_required
@require_POST
def request_document(request: HttpRequest, kind: str, subject_id: str) -> HttpResponse:
    document_kind = _kind_or_404(kind)
    try:
        subject = document_kind.model._default_manager.filter(pk=subject_id).first()
    except (ValueError, ValidationError):  # an id of the wrong form names nothing
        subject = None
    if subject is None or not document_kind.requestable_by(request.user, subject):
        raise Http404
    language, exact = _language(request, request.POST)
    document = document_request(subject=subject, kind=kind, requested_by=request.user, language=language)
    if request.htmx:
        return _panel(request, document, document_kind, subject, language, exact)
    messages.info(request, _("The document is being prepared. It will be ready in a moment."))
    return HttpResponseRedirect(safe_next(request, _page_url(request, subject)))


@require_GET
def document_status(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        document, kind = _visible_document(request, pk)
    except LoginNeededError:
        return redirect_to_login(request.get_full_path())
    language, exact = _language(request, request.GET)
    latest = document_for_display(
        subject=document.subject, kind=document.kind, language=language, exact=exact
    )
    return _panel(request, latest, kind, document.subject, language, exact)


@require_GET
def download_document(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        document, kind = _visible_document(request, pk)
    except LoginNeededError:
        return redirect_to_login(request.get_full_path())
    if not document.is_ready:
        raise Http404
    # After the permission check: a 304 says the document is there. A document never changes (a
    # new version is a new document), so its digest and the time it was prepared say it all.
    unchanged = not_modified(request, etag=document.sha256, last_modified=document.finished_at)
    if unchanged is not None:
        return unchanged
    response = download_response(
        open_stored_file(document.file),
        filename=download_filename(
            kind.filename(document.subject).removesuffix(f".{kind.extension}"), extension=kind.extension
        ),
        content_type=kind.content_type,
    )
    validators(response, etag=document.sha256, last_modified=document.finished_at)
    return response
