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

A folder that is a mount point cannot be renamed: the export then writes into a hidden
folder inside it (``.secid-rdf-new-TOKEN``) and swaps each entry at the top of the output
folder in turn (the dumps one by one, each type's folder of pages as a whole). Each entry
is always whole, but a reader during the swap, or a run killed in it, can see entries of
two runs.

The export owns its dumps, ``context.jsonld``, ``void.ttl``, ``.htaccess`` and
``w3id.htaccess``, the files its previous run
listed in the manifest :data:`MANIFEST`, and the hidden temporary files of earlier
versions (``.NAME.TOKEN.tmp``): files the export no longer writes (the pages of a
namespace that left the registry) go with the old folder, and
:attr:`OutputFolder.removed` names them. Any other file, folder or symbolic link is
kept as it is, with its mode.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from secid_rdf.export.atomic_files import write_atomic
from secid_rdf.findings import SecidRdfError

__all__ = ["MANIFEST", "FolderLockedError", "OutputFolder"]

MANIFEST = ".secid-rdf-files"
"""The file, in the output folder, that lists the files the export wrote (a ``/``-separated
path a line): the next export removes only those, never a file someone else put there."""

MANIFEST_LIMIT = 64 * 1024 * 1024
"""Bytes of a manifest read at most; a longer one is ignored (nothing is removed)."""

_INNER_STAGING = ".secid-rdf-new-"
"""The start of the name of the new folder inside an output folder that is a mount point."""

_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp(\.held)?")
"""A temporary file an export writes before renaming it (see ``atomic_files``)."""

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class FolderLockedError(SecidRdfError):
    """Another export is writing the same output folder."""


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
        self.in_place = False
        """Whether the folder is a mount point, whose entries are swapped one by one."""
        self._listed: frozenset[str] = frozenset()
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
            self._listed = _read_manifest(self.path / MANIFEST)
            if self.path.is_dir() and _is_mount_point(self.path):
                self.in_place = True
                self.staging = self.path / f"{_INNER_STAGING}{secrets.token_hex(6)}"
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

    def owns(self, relative: str) -> bool:
        """Whether the ``/``-separated path inside the output folder is the export's."""
        if _TEMPORARY.fullmatch(relative.rpartition("/")[2]):
            return True
        return relative in self.files or relative == MANIFEST or relative in self._listed

    def previous(self, relative: str) -> str | None:
        """The path of a file of the old folder, when there is one and it is the export's.

        :raises SecidRdfError: when a folder is where the export writes that file.
        """
        path = os.path.join(self.path, relative)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return None
        if stat.S_ISDIR(mode):
            raise SecidRdfError(f"cannot write {path}: a folder is in the way")
        return path if stat.S_ISREG(mode) and self.owns(relative) else None

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
            self._write_manifest()
            if not self.path.is_dir():
                os.rename(self.staging, self.path)
                return
            self._carry_over()
            if self.in_place:
                self._swap_entries()
            elif not _exchange(self.staging, self.path):
                aside = self.path.parent / f"{self._prefix}old-{secrets.token_hex(6)}"
                os.rename(self.path, aside)
                os.rename(self.staging, self.path)
                self.staging = aside
        except OSError as error:
            raise _write_error(error, self.path) from error

    def _write_manifest(self) -> None:
        """List every file of the new folder in it (the list itself aside)."""
        listed = []
        for root, _, names in os.walk(self.staging):
            inside = os.path.relpath(root, self.staging).replace(os.sep, "/")
            listed += [name if inside == "." else f"{inside}/{name}" for name in names]
        write_atomic(self.staging / MANIFEST, "".join(f"{p}\n" for p in sorted(listed)).encode())

    def _swap_entries(self) -> None:
        """Swap each entry of the new folder (inside the old one) with the old one's."""
        new = set(os.listdir(self.staging))
        for name in sorted(new, key=lambda name: (name == MANIFEST, name)):  # the list last
            source, target = self.staging / name, self.path / name
            if not os.path.lexists(target):
                os.rename(source, target)
            elif not _exchange(source, target):
                os.rename(target, self.staging / f".old-{name}")
                os.rename(source, target)
        for name in os.listdir(self.path):  # files of the old run the new one did not write
            if name not in new and name != self.staging.name and self.owns(name):
                os.rename(self.path / name, self.staging / name)

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
        """Remove the folders that killed runs left beside (or in) the output folder."""
        places = [(self.path.parent, self._prefix)]
        if self.path.is_dir():
            places.append((self.path, _INNER_STAGING))
        for folder, prefix in places:
            for entry in os.scandir(folder):
                if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)

    def _check_old(self) -> None:
        """Refuse an output path that is not a folder, or holds a folder where a file goes."""
        if self.path.exists() and not self.path.is_dir():
            raise SecidRdfError(f"cannot write {self.path}: not a folder")
        for name in sorted(self.files):
            path = self.path / name
            if path.is_dir():
                raise SecidRdfError(f"cannot write {path}: a folder is in the way")

    def _carry_over(self) -> None:
        """Hard-link (or copy) into the new folder what the old one holds and is not ours.

        Symbolic links are carried as links (a link to a folder too), and every folder
        keeps its mode, set once its files are in. A folder left empty because all it held
        was the export's and is gone (a namespace's folder of source pages) goes too; an
        empty folder of the user's stays.
        """
        modes = []
        for root, folders, names in os.walk(self.path):
            inside = os.path.relpath(root, self.path)
            inside = "" if inside == "." else inside.replace(os.sep, "/") + "/"
            target = os.path.join(self.staging, inside)
            held = bool(inside) and bool(folders or names)
            modes.append((target, stat.S_IMODE(os.stat(root).st_mode), held))
            if not inside and self.staging.name in folders:
                folders.remove(self.staging.name)
            for folder in list(folders):
                if os.path.islink(os.path.join(root, folder)):
                    folders.remove(folder)
                    names.append(folder)
                else:
                    os.makedirs(os.path.join(target, folder), exist_ok=True)
            for name in names:
                self._carry_file(os.path.join(root, name), inside + name, target)
        for target, mode, held in reversed(modes):  # a folder's own folders come first
            if held and not os.listdir(target):
                os.rmdir(target)
            else:
                os.chmod(target, mode)
        self.removed.sort()

    def _carry_file(self, source: str, relative: str, target: str) -> None:
        """Carry one file or link over, unless the export wrote it anew or owned it (removed)."""
        destination = os.path.join(target, relative.rpartition("/")[2])
        if os.path.lexists(destination):
            if os.path.isdir(destination):  # the export writes a folder there
                raise SecidRdfError(f"cannot write {source}: a file is in the way")
            return  # the export wrote this file anew
        if self.owns(relative):
            self.removed.append(relative)
            return
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, destination, follow_symlinks=False)


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


def _read_manifest(path: Path) -> frozenset[str]:
    """The files a previous export listed; none when there is no list or it is too long."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MANIFEST_LIMIT + 1)
    except OSError:
        return frozenset()
    if len(data) > MANIFEST_LIMIT:
        return frozenset()
    return frozenset(data.decode("utf-8", "replace").splitlines())


def _is_mount_point(path: Path) -> bool:
    """Whether a folder is a mount point (a bind mount of a folder of the same device too)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            points = [line.split(" ")[4] for line in handle if line.count(" ") > 4]
    except OSError:  # not Linux
        return False
    unescaped = (re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), p) for p in points)
    return os.fspath(path) in unescaped


def _write_error(error: OSError, folder: Path) -> SecidRdfError:
    """One line: the path (the folder when the error names none) and the reason."""
    where = error.filename if error.filename is not None else folder
    return SecidRdfError(f"cannot write {where}: {error.strerror or error}")
