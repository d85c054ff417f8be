"""The records of private files: the fields and behaviour they share, and the one way to store one.

A model of private files inherits ``PrivateFile`` (or ``PrivateUpload``, which also records who
uploaded it and when), declares its ``file`` in its own folder and says what its download is
named after::

    class ReportAttachment(PrivateUpload):
        report = models.ForeignKey(MonitoringReport, ...)
        file = models.FileField(_("file"), upload_to=private_upload_to("report-attachments"))

        def download_name(self) -> tuple[object, ...]:
            return (self.report.project.contract_number, self._meta.verbose_name, self.pk)

A service stores what the form's ``PrivateFileField`` returned (a ``CheckedUpload``) with
``store(record, upload)``, which fills in the name, type and size the checks found and saves the
file under a random name with the type's extension; it removes a record and its file with
``discard(record)``.
"""

from __future__ import annotations

from functools import partial
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ssp_portal.files import CheckedUpload, open_stored_file, stored_file_response


class PrivateFile(models.Model):
    """A stored file and what the checks found when it came: the name it was uploaded with
    (display text only), its type and its size."""

    # Declared by each model with its own folder: models.FileField(_("file"), upload_to=private_upload_to(…)).
    file: models.FileField

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))

    #: The extension of the stored name, from the detected type (``private_upload_to`` reads it);
    #: ``store`` sets it.
    file_extension = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def download_name(self) -> tuple[object, ...]:
        """The parts its download is named after (never the name it was uploaded with)."""
        raise NotImplementedError

    def open_file(self):
        """The stored file opened for reading, or ``StoredFileMissingError`` (logged)."""
        return open_stored_file(self.file)

    def file_response(self) -> FileResponse:
        """The file as a download named by ``download_name``, once the view has checked that the
        person may see it."""
        return stored_file_response(self, name=self.download_name())


class PrivateUpload(PrivateFile):
    """A private file a person uploaded: also who and when."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True


Record = TypeVar("Record", bound=PrivateFile)


def store(record: Record, upload: CheckedUpload) -> Record:
    """Save an unsaved ``record`` with a checked upload as its file.

    The record takes the upload's name (display text), the content type and size of what is stored,
    and the detected type's extension for the random stored name; then the file and the row are
    saved. The other fields are the caller's. An upload that did not pass ``PrivateFileField`` is
    refused with ``ValueError``: nothing is stored unchecked.
    """
    if not isinstance(upload, CheckedUpload):
        raise ValueError("Upload the file through PrivateFileField, which checks its content.")
    record.original_name = upload.original_name
    record.content_type = upload.detected_type.content_type
    record.size = upload.size
    record.file_extension = upload.detected_type.extension
    record.file.save("upload", upload, save=False)
    record.save()
    return record


def delete_file_on_commit(record: PrivateFile) -> None:
    """Remove the record's stored file once the transaction commits (a rollback keeps row and file
    together)."""
    transaction.on_commit(partial(record.file.storage.delete, record.file.name))


def discard(record: PrivateFile) -> None:
    """Delete the record; its stored file goes once the transaction commits."""
    delete_file_on_commit(record)
    record.delete()
