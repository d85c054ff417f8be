"""The stored files (uploads and generated documents) as one tar archive with a manifest of
SHA-256 checksums, read and written through the storage API, so that the backup of an S3 bucket
is the same as that of MEDIA_ROOT (scripts/backup.sh, scripts/restore.sh).

Both files have the layout ``find . -type f | sha256sum`` and ``tar -C MEDIA_ROOT`` give: members
and manifest lines named ``./<stored name>``, so a backup taken from one kind of storage restores
into the other. Each file is read whole: uploads are at most SSP_UPLOAD_MAX_MB.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage


class ArchiveError(Exception):
    """The archive does not match its manifest, or the storage cannot take it."""


def stored_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file name in ``storage`` below ``folder``, sorted."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a MEDIA_ROOT nothing was stored in yet
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for directory in directories:
        names += stored_names(storage, f"{folder}/{directory}" if folder else directory)
    return sorted(names)


def media_export(storage: Storage, *, archive: Path, manifest: Path) -> int:
    """Write every stored file into ``archive`` and its checksum into ``manifest``; the count."""
    names = stored_names(storage)
    with tarfile.open(archive, "w") as tar, manifest.open("w", encoding="utf-8") as sums:
        for name in names:
            with storage.open(name, "rb") as stored:
                content = stored.read()
            member = tarfile.TarInfo(f"./{name}")
            member.size = len(content)
            member.mode = 0o640
            tar.addfile(member, io.BytesIO(content))
            sums.write(f"{hashlib.sha256(content).hexdigest()}  ./{name}\n")
    return len(names)


def _manifest(manifest: Path) -> dict[str, str]:
    sums = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        sums[_stored_name(name)] = digest
    return sums


def _stored_name(member: str) -> str:
    path = PurePosixPath(member.removeprefix("./"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"{member!r} is not a name under the storage's root.")
    return str(path)


def media_import(storage: Storage, *, archive: Path, manifest: Path) -> int:
    """Store every file of ``archive`` under its name into an empty ``storage``, each checked
    against ``manifest`` before it is stored; the count."""
    if stored_names(storage):
        raise ArchiveError("The storage is not empty: restore only into a new bucket, prefix or folder.")
    expected = _manifest(manifest)
    restored = set()
    with tarfile.open(archive) as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = _stored_name(member.name)
            content = tar.extractfile(member).read()
            if expected.get(name) != hashlib.sha256(content).hexdigest():
                raise ArchiveError(f"{name}: its checksum is not the one in the manifest.")
            if storage.save(name, ContentFile(content)) != name:
                raise ArchiveError(f"{name}: the storage kept it under another name.")
            restored.add(name)
    if missing := sorted(set(expected) - restored):
        raise ArchiveError(f"The archive lacks {len(missing)} file(s) of its manifest, e.g. {missing[0]}.")
    return len(restored)
