"""A small client for clamd, ClamAV's daemon: a file streamed with the INSTREAM command.

The protocol (clamd(8)): send ``zINSTREAM\\0``, then the file in chunks, each preceded by its
length as four bytes in network order, and a chunk of length zero to end; clamd answers one line,
ended by ``\\0``: ``stream: OK``, ``stream: <signature> FOUND``, or ``... ERROR`` (for instance when
the stream is longer than its StreamMaxLength).

The address is ``host:port`` (``[::1]:3310`` for IPv6) or the path of a unix socket (``/run/...``).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

CHUNK_BYTES = 64 * 1024
_REPLY_MAX_BYTES = 4096


class ScannerUnavailableError(Exception):
    """clamd cannot be reached, or gave no verdict: the file is not known to be clean."""


@dataclass(frozen=True)
class Address:
    family: int
    target: str | tuple[str, int]

    def __str__(self) -> str:
        if isinstance(self.target, str):
            return self.target
        host, port = self.target
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_address(value: str) -> Address:
    """``host:port`` or a unix socket's path; anything else is a ``ValueError`` that says so."""
    value = value.strip()
    if value.startswith("/"):
        return Address(socket.AF_UNIX, value)
    host, sep, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"a clamd address is host:port or a unix socket path, not {value!r}")
    return Address(socket.AF_INET6 if ":" in host else socket.AF_INET, (host, int(port)))


def _connect(address: Address, timeout: float) -> socket.socket:
    if address.family == socket.AF_UNIX:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(address.target)
        except BaseException:
            connection.close()
            raise
        return connection
    return socket.create_connection(address.target, timeout=timeout)


def _reply(connection: socket.socket) -> str:
    received = b""
    while b"\0" not in received and len(received) < _REPLY_MAX_BYTES:
        data = connection.recv(_REPLY_MAX_BYTES)
        if not data:
            break
        received += data
    return received.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def instream(chunks: Iterable[bytes], *, address: Address, timeout: float) -> str | None:
    """Stream the file to clamd: ``None`` when it is clean, the signature's name when clamd found
    one; ``ScannerUnavailableError`` when clamd cannot be reached or gives no verdict."""
    try:
        with _connect(address, timeout) as connection:
            try:
                connection.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK_BYTES):
                        part = chunk[start : start + CHUNK_BYTES]
                        connection.sendall(struct.pack("!L", len(part)) + part)
                connection.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd stops reading a stream it refuses (too long) and says why: read it.
                pass
            reply = _reply(connection)
    except OSError as exc:
        raise ScannerUnavailableError(f"clamd at {address}: {type(exc).__name__}: {exc}") from exc
    verdict = reply.removeprefix("stream:").strip()
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScannerUnavailableError(f"clamd at {address} answered {reply!r}")
