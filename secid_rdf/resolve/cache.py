"""Keep the resolution table of a registry on disk, keyed by the registry's content.

Converting a large registry takes seconds; a lookup takes microseconds. The table is
stored once per content: the key is a SHA-256 over every file of the registry (path and
bytes, in path order) and over secid-rdf's own code, so editing, adding or removing any
file, or upgrading secid-rdf, gives another key and a fresh build. Files live in the
platform's cache folder (``$XDG_CACHE_HOME/secid-rdf/resolve`` on Linux); the
:data:`KEPT` most recently used are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path

import platformdirs

from secid_rdf.export.atomic_files import write_atomic
from secid_rdf.resolve.table import Table

__all__ = ["KEPT", "cache_dir", "cached_table", "content_key"]

KEPT = 8
"""Cached tables kept; older ones are removed when a new one is written."""

_FORMAT = b"secid-rdf resolution table 1\n"


def cache_dir() -> Path:
    """Where cached tables live (the platform's user cache folder for secid-rdf)."""
    return Path(platformdirs.user_cache_dir("secid-rdf", appauthor=False)) / "resolve"


def content_key(paths: Iterable[Path]) -> str:
    """A SHA-256 hex digest of these files or folders and of secid-rdf's code.

    Folders are walked as the reader walks a registry (names starting with ``.`` or ``_``
    skipped, symbolic links not followed); files are hashed by path and content.
    """
    digest = hashlib.sha256(_FORMAT)
    for root in (*paths, Path(__file__).parent.parent):
        for rel, path in _files(root):
            digest.update(f"{len(rel)}:{rel}".encode())
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def _files(root: Path) -> list[tuple[str, str]]:
    """(relative path, path) of every regular file under ``root``, sorted; a file is itself."""
    if not root.is_dir():
        return [(root.name, str(root))] if root.is_file() else []
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith((".", "_")))
        for name in files:
            path = os.path.join(folder, name)
            if not name.startswith((".", "_")) and not os.path.islink(path):
                found.append((os.path.relpath(path, root), path))
    return sorted(found)


def cached_table(paths: Iterable[Path], build: Callable[[], Table], *, use_cache: bool) -> Table:
    """The table of these files: from the cache when their content was seen, else built.

    :param build: makes the table (and reports what reading found); called only on a miss.
    :param use_cache: ``False`` builds without reading or writing the cache.
    """
    if not use_cache:
        return build()
    folder = cache_dir()
    path = folder / f"{content_key(paths)}.pickle"
    try:
        with open(path, "rb") as handle:
            table = pickle.load(handle)
        if isinstance(table, Table):
            os.utime(path)
            return table
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    table = build()
    try:
        write_atomic(path, pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(folder)
    except OSError:
        pass  # an unwritable cache only costs the next call a build
    return table


def _prune(folder: Path) -> None:
    """Keep the :data:`KEPT` most recently used tables."""
    tables = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in tables[KEPT:]:
        stale.unlink(missing_ok=True)
