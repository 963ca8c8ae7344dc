"""Keep the resolution table of a registry on disk, keyed by the registry's content.

Converting a large registry takes seconds; a lookup takes microseconds. The table is
stored once per content: the key is a SHA-256 over every file of the registry (path and
bytes, in path order) and over secid-rdf's own code, so editing, adding or removing any
file, or upgrading secid-rdf, gives another key and a fresh build. Files live in the
platform's cache folder (``$XDG_CACHE_HOME/secid-rdf/resolve`` on Linux); the
:data:`KEPT` most recently used are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from secid_rdf.export.cache_files import cache_folder, files_key, read_cached, write_cached
from secid_rdf.resolve.table import Table

__all__ = ["KEPT", "cache_dir", "cached_table", "content_key"]

KEPT = 8
"""Cached tables kept; older ones are removed when a new one is written."""

_FORMAT = b"secid-rdf resolution table 1\n"


def cache_dir() -> Path:
    """Where cached tables live (the platform's user cache folder for secid-rdf)."""
    return cache_folder("resolve")


def content_key(paths: Iterable[Path]) -> str:
    """A SHA-256 hex digest of these files or folders and of secid-rdf's code.

    Folders are walked as the reader walks a registry (names starting with ``.`` or ``_``
    skipped, symbolic links not followed); files are hashed by path and content.
    """
    return files_key(_FORMAT, paths)


def cached_table(paths: Iterable[Path], build: Callable[[], Table], *, use_cache: bool) -> Table:
    """The table of these files: from the cache when their content was seen, else built.

    :param build: makes the table (and reports what reading found); called only on a miss.
    :param use_cache: ``False`` builds without reading or writing the cache.
    """
    if not use_cache:
        return build()
    path = cache_dir() / f"{content_key(paths)}.pickle"
    table = read_cached(path, Table)
    if table is None:
        table = build()
        write_cached(path, table, kept=KEPT)
    return table
