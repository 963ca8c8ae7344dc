"""Parsed namespace files kept on disk, keyed by their content, so a diff re-reads only edits.

Both sides of a typical diff share all files but one, and parsing a file costs far more
than loading its parsed form. Each namespace file is parsed on its own (the reader's
:data:`~secid_rdf.read.registry.FileParser` contract) and its namespace and findings are
pickled under a SHA-256 of its path, its bytes and secid-rdf's code, in the cache folder
:mod:`secid_rdf.export.cache_files` keeps for ``resolve`` and ``validate``. Twins, types
and repeats are still handled by the reader on every run. Entries are pruned once per run,
not once per file written: a first run writes a thousand of them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secid_rdf.export.atomic_files import write_atomic
from secid_rdf.export.cache_files import cache_folder, files_key, read_cached
from secid_rdf.findings import Finding, SecidRdfError
from secid_rdf.model import Namespace
from secid_rdf.read.registry import ParsedFiles, parse_namespace_files

__all__ = ["KEPT_FILES", "CachedParser", "files_cache_dir"]

KEPT_FILES = 20_000
"""Parsed files kept; the least recently used beyond this are removed."""

_FORMAT = b"secid-rdf parsed file 1\n"


def files_cache_dir() -> Path:
    """Where parsed files live (beside the resolution tables)."""
    return cache_folder("files")


@functools.cache
def _code_key() -> str:
    """secid-rdf's own code, so that an upgrade never reuses an old parse."""
    return files_key(_FORMAT, ())


@dataclass(frozen=True)
class _Parsed:
    """One file parsed on its own: its namespace (``None`` for none) and its findings."""

    namespace: Namespace | None
    findings: tuple[Finding, ...]


def _file_key(rel: str, path: str) -> str | None:
    """The cache key of one file, or ``None`` when it cannot be read (the parser says why)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    digest = hashlib.sha256(_FORMAT)
    digest.update(_code_key().encode())
    digest.update(f"{len(rel)}:{rel}".encode())
    digest.update(data)
    return digest.hexdigest()


class CachedParser:
    """:func:`~secid_rdf.read.registry.parse_namespace_files` through the on-disk cache.

    One parser reads both sides of a diff: a file the sides share (same path, same bytes)
    is loaded from disk once and handed to both.
    """

    def __init__(self) -> None:
        self._seen: dict[str, _Parsed] = {}

    def __call__(self, files: Sequence[tuple[str, str]]) -> ParsedFiles:
        """Parse ``files`` (registry-relative path, path on disk), from the cache where it can."""
        folder = files_cache_dir()
        namespaces: list[Namespace | None] = []
        findings: list[Finding] = []
        wrote = False
        for rel, path in files:
            key = _file_key(rel, path)
            entry = self._seen.get(key) if key is not None else None
            if entry is None and key is not None:
                entry = read_cached(folder / f"{key}.pickle", _Parsed)
            if entry is None:
                parsed, found = parse_namespace_files([(rel, path)])
                entry = _Parsed(parsed[0], tuple(found))
                if key is not None:
                    wrote |= _store(folder / f"{key}.pickle", entry)
            if key is not None:
                self._seen[key] = entry
            namespaces.append(entry.namespace)
            findings.extend(entry.findings)
        if wrote:
            _prune(folder)
        return namespaces, findings


def _store(path: Path, entry: _Parsed) -> bool:
    """Keep an entry; an unwritable cache only costs the next run a parse."""
    try:
        write_atomic(path, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    except (SecidRdfError, OSError):
        return False
    return True


def _prune(folder: Path) -> None:
    """Keep the :data:`KEPT_FILES` most recently written entries."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    if len(entries) <= KEPT_FILES:
        return
    entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for stale in entries[KEPT_FILES:]:
        Path(stale.path).unlink(missing_ok=True)
