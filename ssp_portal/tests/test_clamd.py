"""Uploads streamed to clamd (INSTREAM) when SSP_CLAMD_ADDRESS is set: a threat, or no answer,
refuses the file. A fake clamd, a socket served by a thread, stands in for ClamAV."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import tempfile
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.factories import ApplicationFactory
from procurement.models import ApplicationAttachment
from ssp_portal import clamd
from ssp_portal.files import PrivateFileField
from ssp_portal.tests import samples
from ssp_portal.tests.test_settings import manage

OK = b"stream: OK\0"
FOUND = b"stream: Win.Test.EICAR_HDB-1 FOUND\0"
TOO_LONG = b"INSTREAM size limit exceeded. ERROR\0"
# A PDF of about 200 KB: clamd gets it in several chunks.
LARGE_PDF = samples.pdf_bytes([f"Line {n} " + "x" * 400 for n in range(500)])


class FakeClamd:
    """Answers each INSTREAM with ``reply`` (or nothing, with ``reply=None``), noting what came."""

    def __init__(self, reply: bytes | None, *, unix_path: str | None = None) -> None:
        self.reply = reply
        self.scans: list[tuple[bytes, bytes, int]] = []
        if unix_path:
            self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listener.bind(unix_path)
            self.address = unix_path
        else:
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.listener.listen()
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _exactly(self, connection: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            more = connection.recv(size - len(data))
            if not more:
                raise ConnectionError("the client closed the stream early")
            data += more
        return data

    def _serve(self) -> None:
        while True:
            try:
                connection, _peer = self.listener.accept()
            except OSError:
                return
            # OSError: the client gave up; the test says what it expected then.
            with connection, contextlib.suppress(OSError):
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self._exactly(connection, 1)
        content, chunks = b"", 0
        while size := struct.unpack("!L", self._exactly(connection, 4))[0]:
            content += self._exactly(connection, size)
            chunks += 1
        self.scans.append((command, content, chunks))
        if self.reply is None:
            self.done.wait(10)
        else:
            connection.sendall(self.reply)

    def close(self) -> None:
        self.done.set()
        self.listener.close()


@pytest.fixture
def fake_clamd(settings):
    servers: list[FakeClamd] = []

    def start(reply: bytes | None, **kwargs) -> FakeClamd:
        server = FakeClamd(reply, **kwargs)
        servers.append(server)
        settings.SSP_CLAMD_ADDRESS = server.address
        return server

    yield start
    for server in servers:
        server.close()


def clean(content: bytes, name: str = "report.pdf"):
    return PrivateFileField().clean(SimpleUploadedFile(name, content))


def refused(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        clean(content)
    return info.value


def test_each_upload_is_streamed_to_clamd_in_chunks_and_a_clean_one_is_accepted(fake_clamd):
    server = fake_clamd(OK)
    assert clean(LARGE_PDF).read() == LARGE_PDF
    [(command, content, chunks)] = server.scans
    assert command == b"zINSTREAM\0"
    assert content == LARGE_PDF
    assert chunks == -(-len(LARGE_PDF) // clamd.CHUNK_BYTES) > 1


def test_a_file_in_which_clamd_finds_a_threat_is_refused_naming_it(fake_clamd, caplog):
    fake_clamd(FOUND)
    with caplog.at_level(logging.WARNING, logger="ssp_portal.files"):
        error = refused(samples.pdf_bytes())
    assert error.code == "virus_found"
    assert "found a threat in this file (Win.Test.EICAR_HDB-1)" in error.messages[0]
    assert "attach a clean copy" in error.messages[0]
    assert "Win.Test.EICAR_HDB-1" in caplog.text


def test_an_upload_with_a_threat_is_refused_beside_the_field_and_nothing_is_stored(
    fake_clamd, organization, nco_member, client_for
):
    fake_clamd(FOUND)
    draft = ApplicationFactory(organization=organization)
    response = client_for(nco_member).post(
        reverse("procurement:attachment-upload", args=[draft.pk]),
        {"required_document": "", "file": SimpleUploadedFile("charter.pdf", samples.pdf_bytes())},
    )
    assert response.status_code == 400
    [message] = response.context["attachment_form"].errors["file"]
    assert "The virus check found a threat" in message
    assert not ApplicationAttachment.objects.exists()


def test_when_clamd_cannot_be_reached_the_upload_is_refused_and_the_operators_are_told(settings, caplog):
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SSP_CLAMD_ADDRESS = f"127.0.0.1:{port}"
    with caplog.at_level(logging.ERROR, logger="ssp_portal.files"):
        error = refused(samples.pdf_bytes())
    assert error.code == "virus_check_unavailable"
    assert "Try again later" in error.messages[0]
    [record] = [r for r in caplog.records if r.name == "ssp_portal.files"]
    assert record.levelno == logging.ERROR
    assert f"127.0.0.1:{port}" in record.getMessage()


def test_a_clamd_that_gives_no_verdict_refuses_the_upload(fake_clamd):
    fake_clamd(TOO_LONG)
    assert refused(samples.pdf_bytes()).code == "virus_check_unavailable"


def test_a_clamd_that_does_not_answer_in_time_refuses_the_upload(fake_clamd, settings):
    settings.SSP_CLAMD_TIMEOUT = 1
    fake_clamd(None)
    assert refused(samples.pdf_bytes()).code == "virus_check_unavailable"


def test_clamd_is_reached_through_its_unix_socket(fake_clamd):
    folder = tempfile.mkdtemp(prefix="clamd-")  # short: a socket's path has at most 107 bytes
    path = os.path.join(folder, "clamd.sock")
    try:
        server = fake_clamd(OK, unix_path=path)
        assert clean(samples.image_bytes("PNG"), "photo.png").detected_type.code == "png"
        [(_command, content, _chunks)] = server.scans
        assert content == samples.image_bytes("PNG")  # the upload as it came
    finally:
        os.unlink(path)
        os.rmdir(folder)


def test_without_an_address_no_scanner_is_asked(settings, monkeypatch):
    settings.SSP_CLAMD_ADDRESS = ""

    def no_scan(*args, **kwargs):
        raise AssertionError("clamd was asked")

    monkeypatch.setattr(clamd, "instream", no_scan)
    assert clean(samples.pdf_bytes()).detected_type.code == "pdf"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:3310", "127.0.0.1:3310"),
        ("clamav.internal:3310", "clamav.internal:3310"),
        ("[::1]:3310", "[::1]:3310"),
        ("/run/clamav/clamd.ctl", "/run/clamav/clamd.ctl"),
    ],
)
def test_an_address_is_host_and_port_or_a_socket_path(value, expected):
    assert str(clamd.parse_address(value)) == expected


@pytest.mark.parametrize("value", ["clamav", "clamav:", ":3310", "clamav:port", "clamav:0", "clamav:70000"])
def test_an_address_of_another_form_is_refused(value):
    with pytest.raises(ValueError, match="host:port or a unix socket path"):
        clamd.parse_address(value)


def test_the_portal_refuses_to_start_with_a_malformed_address():
    result = manage("check", env={"SSP_CLAMD_ADDRESS": "clamav"})
    assert result.returncode != 0
    assert "SSP_CLAMD_ADDRESS: a clamd address is host:port" in result.stderr
