"""Where the tests' files are stored: under MEDIA_ROOT (a folder of each test), or, with
``SSP_TEST_STORAGE=s3``, in a bucket of an S3 server (moto) that the suite starts, below a key
prefix of each test. The S3 settings are the portal's own (``SSP_STORAGE=s3`` and ``SSP_S3_*``,
read by ``ssp_portal.settings``); the processes a test starts (a Celery worker, gunicorn) get
the same storage through ``process_env``.
"""

from __future__ import annotations

import logging
import os
from unittest import mock

import boto3
from django.conf import settings

from ssp_portal.media_archive import stored_names

TEST_STORAGE = os.environ.get("SSP_TEST_STORAGE", "filesystem").strip().lower()
BUCKET = "ssp-test"
S3_BACKEND = "storages.backends.s3.S3Storage"


class S3Server:
    """moto's S3 server on a free port of 127.0.0.1, in a thread of the test process, with one
    bucket."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        # Each request would be a line of the test's output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def start(self) -> S3Server:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def stop(self) -> None:
        self._server.stop()

    def env(self, prefix: str) -> dict[str, str]:
        """The environment that points the portal at this server's bucket, below ``prefix``."""
        return {
            "SSP_STORAGE": "s3",
            "SSP_S3_BUCKET": BUCKET,
            "SSP_S3_PREFIX": prefix,
            "SSP_S3_ENDPOINT_URL": self.url,
            "SSP_S3_REGION": "us-east-1",
            "SSP_S3_ACCESS_KEY_ID": "testing",
            "SSP_S3_SECRET_ACCESS_KEY": "testing",
        }

    def storage(self, prefix: str) -> dict:
        """``STORAGES["default"]`` for this bucket, made by the settings module from ``env``."""
        from ssp_portal import settings as settings_module

        with mock.patch.dict(os.environ, self.env(prefix)):
            return {"BACKEND": S3_BACKEND, "OPTIONS": settings_module._s3_storage_options()}

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def keys(self, prefix: str) -> list[str]:
        """The keys stored below ``prefix``, without it."""
        listed = self.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return sorted(item["Key"].removeprefix(f"{prefix}/") for item in listed.get("Contents", []))


def process_env() -> dict[str, str]:
    """What a process started by a test needs to store and read the test's files where it does."""
    default = settings.STORAGES["default"]
    if default["BACKEND"] != S3_BACKEND:
        return {"SSP_STORAGE": "filesystem", "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    options = default["OPTIONS"]
    return {
        "SSP_STORAGE": "s3",
        "SSP_S3_BUCKET": options["bucket_name"],
        "SSP_S3_PREFIX": options["location"],
        "SSP_S3_ENDPOINT_URL": options["endpoint_url"],
        "SSP_S3_REGION": options["region_name"],
        "SSP_S3_ACCESS_KEY_ID": options["access_key"],
        "SSP_S3_SECRET_ACCESS_KEY": options["secret_key"],
    }


def stored_files(folder: str = "") -> list[str]:
    """The names of every file in the default storage below ``folder``, through the storage API."""
    from django.core.files.storage import default_storage

    return stored_names(default_storage, folder)


def stored_bytes(file) -> bytes:
    """The bytes of a stored file (a ``FieldFile``), read through its storage."""
    with file.storage.open(file.name, "rb") as stored:
        return stored.read()


def replace_stored(file, content: bytes) -> None:
    """Change a stored file behind the portal's back: the same name, other bytes."""
    from django.core.files.base import ContentFile

    file.storage.delete(file.name)
    assert file.storage.save(file.name, ContentFile(content)) == file.name
