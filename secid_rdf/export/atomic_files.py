"""Writing output files so that no reader ever sees one half-written.

Each file is written to a new hidden temporary file in the same folder and renamed over
its target, which is atomic on POSIX file systems: the old file or the complete new one.
Files of a folder that no reader sees until it is complete (the export's new folder) are
written in place. Paths are handled as plain strings inside: an export writes thousands
of page files, and :mod:`pathlib` objects cost more per file than the file itself on a
RAM disk.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from secid_rdf.findings import SecidRdfError

__all__ = [
    "inside",
    "temporary_path",
    "write_atomic",
    "write_or_link",
    "write_unseen",
]

StrPath = str | os.PathLike[str]
"""A file's path, as text or as a :class:`~pathlib.Path`."""


def _temporary_name(path: str) -> str:
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")


def temporary_path(path: Path) -> Path:
    """A new hidden file name beside ``path``, for writing before renaming."""
    return Path(_temporary_name(os.fspath(path)))


def _write_new(path: str, data: bytes, mode: str) -> None:
    """Write ``data`` to ``path``, making its folder only when missing: one call less per file."""
    try:
        handle = open(path, mode)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        handle = open(path, mode)
    with handle:
        handle.write(data)


def write_atomic(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The folder is made when it is missing.

    :raises SecidRdfError: when the file cannot be written (the old file, if any, is kept).
    """
    target = os.fspath(path)
    temporary = _temporary_name(target)
    try:
        _write_new(temporary, data, "xb")
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise SecidRdfError(f"cannot write {target}: {error.strerror or error}") from error
        raise


def write_unseen(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` in a folder that no reader sees yet, in place.

    The export writes its pages into a new hidden folder that replaces the output folder
    only when complete (:mod:`~secid_rdf.export.output_folder`): a temporary file and a
    rename per file would only double the file-system calls of thousands of pages.

    :raises SecidRdfError: when the file cannot be written.
    """
    try:
        _write_new(path, data, "wb")
    except OSError as error:
        raise SecidRdfError(f"cannot write {path}: {error.strerror or error}") from error


def write_or_link(path: str, data: bytes, previous: str | None) -> None:
    """Write ``data`` to ``path``, or hard-link ``previous`` there if it holds those bytes.

    ``path`` is in a folder no reader sees yet (see :func:`write_unseen`). A page of an
    earlier export that has not changed keeps its inode and modification time in the new
    export, so a publisher's sync sends only what changed.

    :raises SecidRdfError: when the file cannot be written.
    """
    if previous is not None:
        try:
            if os.stat(previous).st_size == len(data):
                with open(previous, "rb") as handle:
                    same = handle.read() == data
                if same:
                    _link(previous, path)
                    return
        except OSError:
            pass  # unreadable, or no hard links here: write it
    write_unseen(path, data)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError:  # the folder is made only when missing, as in write_atomic
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        os.link(source, target)


def inside(folder: StrPath, relative: str) -> str:
    """``folder`` joined with the ``/``-separated ``relative``, which may not leave it.

    :raises SecidRdfError: for an absolute path, or one with an empty, ``.`` or ``..`` part.

    >>> inside("out", "pages/advisory/a.org.html")
    'out/pages/advisory/a.org.html'
    """
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\0" in relative:
        raise SecidRdfError(f"refusing to write outside {os.fspath(folder)}: {relative}")
    return os.path.join(folder, *parts)
