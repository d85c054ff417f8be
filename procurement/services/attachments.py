"""An application's attached files: uploaded, taken from the organization's documents, removed."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import OrganizationDocument, User
from procurement import receipts
from procurement.models import (
    Application,
    ApplicationAttachment,
    RequiredDocument,
)
from procurement.services import applications
from ssp_portal.files import DOCUMENT_TYPES, CheckedUpload, PrivateFileField
from ssp_portal.private_files import discard, store


def _check_room(locked: Application, upload: CheckedUpload) -> None:
    """The application as a whole is limited (``SSP_APPLICATION_MAX_BYTES``)."""
    used = locked.attachments.aggregate(total=Sum("size"))["total"] or 0
    limit = settings.SSP_APPLICATION_MAX_BYTES
    if used + upload.size > limit:
        raise ValidationError(
            {
                "file": _("The application's files may take %(limit)s in all; %(used)s is used already.")
                % {"limit": filesizeformat(limit), "used": filesizeformat(used)}
            }
        )


def _store_attachment(
    locked: Application,
    *,
    by: User,
    upload: CheckedUpload,
    required_document: RequiredDocument | None,
    now: datetime.datetime,
    **source: Any,
) -> ApplicationAttachment:
    """Store a checked file as the application's own, under a new random name, and record it.

    ``source`` says where the file came from, for the audit event; the event names no file, which
    is sealed content.
    """
    _check_room(locked, upload)
    attachment = ApplicationAttachment(
        application=locked,
        required_document=required_document,
        sha256=receipts.file_sha256(upload.chunks()),
        uploaded_by=by,
        uploaded_at=now,
    )
    store(attachment, upload)
    applications.touch(locked, now)
    applications.audit(
        locked,
        by,
        "application.file_attached",
        now,
        attachment=attachment.pk,
        required_document=required_document.name if required_document else "",
        **source,
    )
    return attachment


def _check_required_document(application: Application, required_document: RequiredDocument | None) -> None:
    if required_document is not None and required_document.competition_id != application.competition_id:
        raise ValidationError(_("That document is not one this competition asks for."))


def application_attach(
    *,
    application: Application,
    by: User,
    file: CheckedUpload,
    required_document: RequiredDocument | None = None,
) -> ApplicationAttachment:
    """Store an upload under a random name; the form has checked its type and size by content."""
    applications.require_member(by, application)
    _check_required_document(application, required_document)
    now = timezone.now()
    with transaction.atomic():
        locked = applications.lock(application)
        applications.require_editable(locked, now)
        return _store_attachment(
            locked, by=by, upload=file, required_document=required_document, now=now, source="upload"
        )


def _organization_document_copy(document: OrganizationDocument) -> CheckedUpload:
    """The organization's document read as an upload, through the field an upload goes through, so
    that the copy meets the same type and size rules."""
    try:
        with document.file.open("rb") as stored:
            content = stored.read()
    except (FileNotFoundError, OSError, ValueError):
        raise ValidationError(
            _("The organization's copy of this document cannot be read; upload the file instead.")
        ) from None
    return PrivateFileField(allowed=DOCUMENT_TYPES).clean(
        SimpleUploadedFile(document.original_name, content, document.content_type)
    )


def application_attach_organization_document(
    *,
    application: Application,
    by: User,
    document: OrganizationDocument,
    required_document: RequiredDocument | None = None,
) -> ApplicationAttachment:
    """Attach one of the organization's own documents without uploading it again.

    The bytes are copied into the application's own attachment, so that the application (and
    the digest of its receipt) no longer depends on the organization's document, which may be
    replaced or removed later. The copy passes the checks an upload passes.
    """
    applications.require_member(by, application)
    if document.organization_id != application.organization_id:
        raise PermissionDenied
    _check_required_document(application, required_document)
    copy = _organization_document_copy(document)
    now = timezone.now()
    with transaction.atomic():
        locked = applications.lock(application)
        applications.require_editable(locked, now)
        # The digest of what would be stored (an image is encoded again), as the attachments' are.
        sha256 = receipts.file_sha256(copy.chunks())
        if locked.attachments.filter(sha256=sha256, required_document=required_document).exists():
            raise ValidationError(_("This document is attached already."))
        return _store_attachment(
            locked,
            by=by,
            upload=copy,
            required_document=required_document,
            now=now,
            source="organization_document",
            organization_document=document.pk,
        )


def application_detach(*, attachment: ApplicationAttachment, by: User) -> None:
    application = attachment.application
    applications.require_member(by, application)
    now = timezone.now()
    with transaction.atomic():
        locked = applications.lock(application)
        applications.require_editable(locked, now)
        applications.audit(locked, by, "application.file_removed", now, attachment=attachment.pk)
        discard(attachment)
        applications.touch(locked, now)
