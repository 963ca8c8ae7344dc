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

__all__ = ["inside", "temporary_path", "write_atomic"]


def temporary_path(path: Path) -> Path:
    """A new hidden file name beside ``path``, for writing before renaming."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    :raises SecidRdfError: when the file cannot be written (the old file, if any, is kept).
    """
    temporary = temporary_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise SecidRdfError(f"cannot write {path}: {error.strerror or error}") from error
        raise


def inside(folder: Path, relative: PurePosixPath) -> Path:
    """``folder / relative``, refusing a path that is absolute or climbs with ``..``.

    :raises SecidRdfError: for such a path.
    """
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise SecidRdfError(f"refusing to write outside {folder}: {relative}")
    return folder / relative
