"""Validate a few files of a registry, knowing the rest from an index cached by content.

``validate REGISTRY FILE...`` is what a pre-commit hook runs, with the changed files. Only
those files are read, converted and validated in full, with the files that define the
same namespace (a twin, a copy); every other namespace file is known from the index: what
it defines (type, namespace, format, line: enough for the reader to find repeats) and the
IRIs of its namespace, sources and match nodes with their classes (what the shapes ask of
a link's target: that it exists). So the given files get the findings a full run gives
them, while the checks of the rest are left out.

The index holds one entry per file, keyed by the SHA-256 of the file's bytes: an edited,
added or removed file is read again, alone, and the rest is taken as it is. It lives in
the user's cache folder (:mod:`secid_rdf.export.cache_files`), one file per registry
folder, data base and secid-rdf version.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from secid_rdf.export.cache_files import cache_folder, files_key, read_cached, write_cached
from secid_rdf.findings import RegistryNotFoundError, sort_findings
from secid_rdf.model import Namespace, Registry
from secid_rdf.read.registry import ParsedFiles, parse_namespace_files, read_registry
from secid_rdf.validate.file_checks import check_file
from secid_rdf.validate.shacl import Validation, registry_findings

if TYPE_CHECKING:
    import rdflib

__all__ = ["INDEXES_KEPT", "validate_files"]

INDEXES_KEPT = 4
"""Registry indexes kept in the cache (one per registry folder and base)."""

_SALT = b"secid-rdf validate index 1\n"


@dataclass(frozen=True)
class _Entry:
    """What the index knows of one namespace file."""

    digest: bytes
    stat: tuple[int, int, int]
    """Size, modification time and inode when the digest was taken: while they stay, the
    file is not read again to tell whether it changed (as git's index does)."""
    namespace: Namespace | None
    """What the file defines, without its content; ``None`` for a document."""
    linked: tuple[tuple[str, str], ...]
    """(IRI, class IRI) of each namespace, source and match node the file defines."""


@dataclass
class _Index:
    """Registry-relative path → entry, for every namespace file seen."""

    entries: dict[str, _Entry] = field(default_factory=dict)


def validate_files(
    path: Path,
    only: Collection[str],
    *,
    base: str,
    engine: str,
    shapes: rdflib.Graph | None,
    use_cache: bool,
) -> Validation:
    """The findings in the files ``only`` (registry-relative), as a full run gives them.

    :param use_cache: read and write the index in the user's cache folder; without it the
        index is built for this run alone.
    :raises RegistryNotFoundError: when ``path`` is not a folder.
    """
    root = Path(path)
    if not root.is_dir():
        raise RegistryNotFoundError(str(path))
    folder_key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape"))
    code_key = files_key(_SALT + base.encode(), ())
    where = cache_folder("validate") / f"{code_key[:32]}-{folder_key.hexdigest()[:32]}.pickle"
    parser = _Parser(frozenset(only), base, where if use_cache else None)
    registry = read_registry(root, parse=parser, content_digest=False)
    chosen = Registry(
        root=registry.root,
        types=registry.types,
        namespaces=tuple(ns for ns in registry.namespaces if parser.read_in_full(ns)),
        findings=registry.findings,
        commit=registry.commit,
        digest=registry.digest,
        twins=registry.twins,
    )
    known: dict[str, set[str]] = {}
    for iri, kind in parser.linked:
        known.setdefault(iri, set()).add(kind)
    findings = registry_findings(chosen, base=base, engine=engine, shapes=shapes, known=known)
    return Validation(
        tuple(
            sort_findings(
                [f for f in findings if f.location is not None and f.location.file in only]
            )
        )
    )


class _Parser:
    """A :data:`~secid_rdf.read.registry.FileParser` that reads the given files in full.

    So are the files that define the same namespaces (twins, copies); the others are stubs
    from the index, and the IRIs they define are gathered in :attr:`linked`.
    """

    def __init__(self, only: frozenset[str], base: str, where: Path | None) -> None:
        self.only = only
        self.base = base
        self.where = where
        self.full: set[str] = set()
        self.linked: list[tuple[str, str]] = []

    def read_in_full(self, namespace: Namespace) -> bool:
        """Whether a namespace of the registry read was read from its files in full."""
        return any(file in self.full for file in namespace.files)

    def __call__(self, files: Sequence[tuple[str, str]]) -> ParsedFiles:
        """Every file's namespace: in full for the files to check, a stub for the others."""
        index = self._index([(rel, disk) for rel, disk in files if rel not in self.only])
        given = [(rel, disk) for rel, disk in files if rel in self.only]
        parsed, findings = parse_namespace_files(given, check=check_file)
        keys = {(ns.type, ns.namespace) for ns in parsed if ns is not None}
        partners = [
            (rel, disk)
            for rel, disk in files
            if rel not in self.only
            and (stub := index.entries[rel].namespace) is not None
            and (stub.type, stub.namespace) in keys
        ]
        more, more_findings = parse_namespace_files(partners, check=check_file)
        full = dict(zip([rel for rel, _ in given + partners], parsed + more, strict=True))
        self.full = set(full)
        result: list[Namespace | None] = []
        for rel, _ in files:
            if rel in full:
                result.append(full[rel])
            else:
                entry = index.entries[rel]
                result.append(entry.namespace)
                self.linked += entry.linked
        return result, findings + more_findings

    def _index(self, files: Sequence[tuple[str, str]]) -> _Index:
        """The index of these files: the cached one, with changed and new entries rebuilt."""
        cached = None if self.where is None else read_cached(self.where, _Index)
        index = cached or _Index()
        changed = False
        stale: list[tuple[str, str]] = []
        digests: dict[str, tuple[bytes, tuple[int, int, int]]] = {}
        for rel, disk in files:
            entry = index.entries.get(rel)
            stat = _stat(disk)
            if entry is not None and entry.stat == stat:
                continue
            digests[rel] = (_digest(disk), stat)
            changed = True
            if entry is not None and entry.digest == digests[rel][0]:
                index.entries[rel] = replace(entry, stat=stat)  # touched, not changed
            else:
                stale.append((rel, disk))
        index.entries.update(_entries(stale, digests, self.base))
        if self.where is not None and (changed or cached is None):
            write_cached(self.where, index, kept=INDEXES_KEPT)
        return index


def _stat(disk: str) -> tuple[int, int, int]:
    """A file's size, modification time (ns) and inode; zeros when it cannot be read."""
    try:
        info = os.stat(disk)
    except OSError:
        return (0, 0, 0)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _digest(disk: str) -> bytes:
    """SHA-256 of a file's bytes (empty when it cannot be read: reading reports that)."""
    try:
        with open(disk, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return b""


def _entries(
    files: Sequence[tuple[str, str]],
    digests: dict[str, tuple[bytes, tuple[int, int, int]]],
    base: str,
) -> dict[str, _Entry]:
    """Index entries of these files, each read on its own."""
    from secid_rdf.convert.builder import linked_nodes

    parsed, _ = parse_namespace_files(files)
    entries = {}
    for (rel, _), namespace in zip(files, parsed, strict=True):
        linked: tuple[tuple[str, str], ...] = ()
        stub = None
        if namespace is not None:
            linked = tuple(sorted(set(linked_nodes([namespace], base=base))))
            stub = Namespace(
                type=namespace.type,
                namespace=namespace.namespace,
                files=namespace.files,
                format=namespace.format,
                location=namespace.location,
            )
        entries[rel] = _Entry(*digests[rel], stub, linked)
    return entries
