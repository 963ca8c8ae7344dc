"""Writing output files so that no reader ever sees one half-written.

Each file is written to a new hidden temporary file in the same folder and renamed over
its target, which is atomic on POSIX file systems: the old file or the complete new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path, PurePosixPath

from secid_rdf.findings import SecidRdfError

__all__ = [
    "inside",
    "temporary_path",
    "write_atomic",
    "write_if_changed",
]


def temporary_path(path: Path) -> Path:
    """A new hidden file name beside ``path``, for writing before renaming."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    :raises SecidRdfError: when the file cannot be written (the old file, if any, is kept).
    """
    temporary = temporary_path(path)
    try:
        try:
            handle = open(temporary, "xb")
        except FileNotFoundError:  # the folder is made only when missing: one call less per file
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(temporary, "xb")
        with handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise SecidRdfError(f"cannot write {path}: {error.strerror or error}") from error
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly those bytes.

    An unchanged file keeps its modification time, so a re-export touches only what
    changed, and a publisher's sync sends only that.

    :returns: whether the file was written.
    :raises SecidRdfError: when the file cannot be written.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # missing or unreadable: write it
    write_atomic(path, data)
    return True


def inside(folder: Path, relative: PurePosixPath) -> Path:
    """``folder / relative``, refusing a path that is absolute or climbs with ``..``.

    :raises SecidRdfError: for such a path.
    """
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise SecidRdfError(f"refusing to write outside {folder}: {relative}")
    return folder / relative
