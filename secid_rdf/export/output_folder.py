"""An export's output folder: one export at a time, replaced as a whole when complete.

An export writes every file into a new hidden folder beside the output folder
(``.NAME.secid-rdf-new-TOKEN``), copies in (as hard links) whatever the old folder holds
that the export does not own, and only then swaps the two folders: on Linux with one
``renameat2(RENAME_EXCHANGE)`` call, so a reader sees either the old folder or the new
one; elsewhere with two renames. A run killed at any point leaves the previous complete
output in place (or, after the swap, the new one), and a hidden folder that the next run
removes. A lock file beside the folder (``.NAME.secid-rdf.lock``, held with ``flock``,
so the system releases it when the process ends however it ends) lets one export at a
time write a folder.

The export owns its dumps, ``context.jsonld``, ``void.ttl``, every ``.jsonld`` and
``.html`` file under ``pages/`` and the hidden temporary files of earlier versions
(``.NAME.TOKEN.tmp``): files the export no longer writes (the pages of a namespace that
left the registry) go with the old folder, and :attr:`OutputFolder.removed` names them.
Any other file or folder is kept.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from secid_rdf.export.page_files import PAGES_FOLDER
from secid_rdf.findings import SecidRdfError

__all__ = ["FolderLockedError", "OutputFolder", "owned_by_export"]

_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp(\.held)?")
"""A temporary file an export writes before renaming it (see ``atomic_files``)."""

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class FolderLockedError(SecidRdfError):
    """Another export is writing the same output folder."""


def owned_by_export(relative: str, files: Iterable[str]) -> bool:
    """Whether the ``/``-separated path inside an output folder is the export's.

    :param files: the names of the files an export writes at the top of the folder.
    """
    name = relative.rpartition("/")[2]
    if _TEMPORARY.fullmatch(name):
        return True
    if relative.startswith(PAGES_FOLDER + "/"):
        return relative.endswith((".jsonld", ".html"))
    return relative in files


class OutputFolder:
    """The output folder of one export, locked while the export writes its new version.

    Use it as a context manager: :attr:`staging` is the folder to write into; call
    :meth:`commit` when every file is complete. Leaving the block without a commit removes
    the new folder and keeps the old one.

    :param path: the output folder (made when missing).
    :param files: the names of the files the export writes at the top of the folder.
    :raises FolderLockedError: when another export holds the folder.
    :raises SecidRdfError: when the folder cannot be written.
    """

    def __init__(self, path: Path, files: Iterable[str]) -> None:
        self.path = Path(os.path.realpath(path))
        self.files = frozenset(files)
        self.removed: list[str] = []
        """Files of the previous export that this one did not write (paths inside it)."""
        parent, name = self.path.parent, self.path.name
        self._prefix = f".{name}.secid-rdf-"
        self._lock_path = parent / f".{name}.secid-rdf.lock"
        self._lock: int | None = None
        self.staging = parent / f"{self._prefix}new-{secrets.token_hex(6)}"

    def __enter__(self) -> OutputFolder:
        """Lock the folder, clean up after killed runs, check it, make the new folder."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            self._remove_leftovers()
            self._check_old()
            self.staging.mkdir()
        except OSError as error:
            self._release()
            raise _write_error(error, self.path) from error
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Remove the new folder when it was not committed, and release the lock."""
        try:
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._release()

    def previous(self, relative: str) -> str | None:
        """The path of a file of the old folder, when there is one and it is the export's."""
        path = os.path.join(self.path, relative)
        return path if owned_by_export(relative, self.files) and os.path.isfile(path) else None

    def public(self, error: SecidRdfError) -> SecidRdfError:
        """``error`` with the new folder's paths written as the output folder's."""
        text = str(error)
        public = text.replace(os.fspath(self.staging), os.fspath(self.path))
        return error if public == text else SecidRdfError(public)

    def commit(self) -> None:
        """Carry over the files the export does not own, and swap the new folder in.

        :raises SecidRdfError: when a file cannot be carried over or the folders swapped
            (the old folder is then as it was).
        """
        try:
            if self.path.is_dir():
                self._carry_over()
                shutil.copymode(self.path, self.staging)
                if not _exchange(self.staging, self.path):
                    aside = self.path.parent / f"{self._prefix}old-{secrets.token_hex(6)}"
                    os.rename(self.path, aside)
                    os.rename(self.staging, self.path)
                    self.staging = aside
            else:
                os.rename(self.staging, self.path)
        except OSError as error:
            raise _write_error(error, self.path) from error

    def _take_lock(self) -> None:
        handle = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(handle)
            raise FolderLockedError(
                f"{self.path} is being written by another export (process {holder}); "
                "run again once it has ended"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        self._lock = handle

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the file releases the lock
            self._lock = None

    def _remove_leftovers(self) -> None:
        """Remove the folders that killed runs left beside the output folder."""
        for entry in os.scandir(self.path.parent):
            if entry.name.startswith(self._prefix) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)

    def _check_old(self) -> None:
        """Refuse an output path that is not a folder, or holds a folder where a file goes."""
        if self.path.exists() and not self.path.is_dir():
            raise SecidRdfError(f"cannot write {self.path}: not a folder")
        for name in sorted(self.files):
            path = self.path / name
            if path.is_dir():
                raise SecidRdfError(f"cannot write {path}: a folder is in the way")
        pages = self.path / PAGES_FOLDER
        if pages.exists() and not pages.is_dir():
            raise SecidRdfError(f"cannot write {pages}: a file is in the way")

    def _carry_over(self) -> None:
        """Hard-link (or copy) into the new folder what the old one holds and is not ours."""
        for root, folders, names in os.walk(self.path):
            inside = os.path.relpath(root, self.path)
            inside = "" if inside == "." else inside.replace(os.sep, "/") + "/"
            target = os.path.join(self.staging, inside)
            for folder in folders:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
            for name in names:
                relative = inside + name
                source = os.path.join(root, name)
                if owned_by_export(relative, self.files):
                    if not os.path.exists(os.path.join(target, name)):
                        self.removed.append(relative)
                    continue
                destination = os.path.join(target, name)
                if os.path.lexists(destination):  # the export writes a folder there
                    raise SecidRdfError(f"cannot write {source}: a file is in the way")
                try:
                    os.link(source, destination, follow_symlinks=False)
                except OSError:
                    shutil.copy2(source, destination, follow_symlinks=False)
        self.removed.sort()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); ``False`` where that cannot be done."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # a kernel or file system without it
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


def _write_error(error: OSError, folder: Path) -> SecidRdfError:
    """One line: the path (the folder when the error names none) and the reason."""
    where = error.filename if error.filename is not None else folder
    return SecidRdfError(f"cannot write {where}: {error.strerror or error}")
