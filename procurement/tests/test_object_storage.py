"""Uploads and generated documents in an S3-compatible object store (``SSP_STORAGE=s3``), here
moto's S3 server: stored as private objects, read only through the storage API, sent only by the
portal's views. (``SSP_TEST_STORAGE=s3`` runs any test module so; these run so always.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from organizations.factories import PDF_BYTES
from procurement.documents import RECEIPT
from procurement.factories import fill_application
from procurement.models import ApplicationAttachment
from procurement.tests.test_application_views import upload
from ssp_portal.documents.models import Document
from ssp_portal.tests.storage import BUCKET

pytestmark = pytest.mark.usefixtures("s3_storage")


@pytest.fixture
def member_client(nco_member, client_for):
    return client_for(nco_member)


def test_an_upload_is_a_private_object_that_only_the_portal_sends(
    s3_server, s3_storage, draft, member_client
):
    assert upload(member_client, draft, "Устав.pdf", PDF_BYTES).status_code == 302
    attachment = ApplicationAttachment.objects.get()

    assert s3_server.keys(s3_storage) == [attachment.file.name]
    key = f"{s3_storage}/{attachment.file.name}"
    stored = s3_server.client().get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PDF_BYTES
    grants = s3_server.client().get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's
    assert "URI" not in grants[0]["Grantee"]  # not AllUsers or AuthenticatedUsers

    response = member_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


def test_a_removed_attachment_leaves_the_bucket_once_the_removal_commits(
    s3_server, s3_storage, draft, member_client, django_capture_on_commit_callbacks
):
    upload(member_client, draft, "charter.pdf", PDF_BYTES)
    attachment = ApplicationAttachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("procurement:attachment-delete", args=[draft.pk, attachment.pk])
        )
    assert response.status_code == 302
    assert not ApplicationAttachment.objects.exists()
    assert s3_server.keys(s3_storage) == []


def test_an_object_missing_from_the_bucket_is_the_missing_file_page(draft, member_client, caplog):
    upload(member_client, draft, "charter.pdf", PDF_BYTES)
    attachment = ApplicationAttachment.objects.get()
    default_storage.delete(attachment.file.name)

    response = member_client.get(attachment.get_absolute_url())

    assert response.status_code == 404
    assert "The file is missing from storage" in response.content.decode()
    assert f"file {attachment.file.name!r}" in caplog.text


def test_a_receipt_is_rendered_into_the_bucket_and_downloads(
    s3_server, s3_storage, draft, nco_member, member_client, on_commit
):
    fill_application(draft)
    with on_commit():
        member_client.post(reverse("procurement:application-submit", args=[draft.pk]))
    receipt = Document.objects.get(kind=RECEIPT)
    assert receipt.state == Document.State.READY, receipt.error
    assert receipt.file.name in s3_server.keys(s3_storage)

    response = member_client.get(reverse("documents:download", args=[receipt.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) == receipt.size


def _settings_in_a_process(**env: str) -> subprocess.CompletedProcess:
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default'], default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSP_")}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_environment_chooses_the_store_and_a_missing_bucket_or_unknown_store_is_refused():
    s3 = _settings_in_a_process(
        SSP_STORAGE="s3",
        SSP_S3_BUCKET="ssp-files",
        SSP_S3_ENDPOINT_URL="https://objects.example.kg",
        SSP_S3_PREFIX="/portal/",
    )
    assert s3.returncode == 0, s3.stderr
    chosen = json.loads(s3.stdout.strip().splitlines()[-1])
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("ssp-files", "portal")
    assert (options["default_acl"], options["file_overwrite"]) == (None, False)
    assert options["addressing_style"] == "path"

    default = _settings_in_a_process()
    assert json.loads(default.stdout.strip().splitlines()[-1]) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }

    no_bucket = _settings_in_a_process(SSP_STORAGE="s3")
    assert no_bucket.returncode != 0
    assert "The environment variable SSP_S3_BUCKET must be set." in no_bucket.stderr
    unknown = _settings_in_a_process(SSP_STORAGE="ftp")
    assert unknown.returncode != 0
    assert "SSP_STORAGE must be 'filesystem' or 's3', not 'ftp'." in unknown.stderr
