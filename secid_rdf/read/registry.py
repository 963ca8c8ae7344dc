"""Walk a registry folder and read it into one :class:`~secid_rdf.model.Registry`.

What is read:

- ``<root>/<type>.md`` / ``<root>/<type>.json``: type descriptions;
- ``<root>/<type>/**.json``: JSON namespace files;
- ``<root>/<type>/**.md`` with YAML frontmatter: Markdown namespace files.

What is skipped: names starting with ``_`` or ``.`` (``_template.md``, ``_deferred/``),
``README``/``INDEX`` files, Markdown without frontmatter (documents), other file types,
symbolic links (never followed, so nothing outside the root is read) and files larger than
:data:`MAX_FILE_BYTES`. Problems become findings; one bad file never stops the others.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from secid_rdf.findings import (
    EmptyRegistryError,
    Finding,
    Location,
    RegistryNotFoundError,
    Severity,
    sort_findings,
)
from secid_rdf.model import Namespace, Registry, SecidType, Source
from secid_rdf.read.fields import READ_RULE, FileContext, format_path
from secid_rdf.read.git import head_commit
from secid_rdf.read.json_file import namespace_from_json
from secid_rdf.read.located import ParseError, parse_json, parse_yaml
from secid_rdf.read.markdown_file import namespace_from_markdown, split_frontmatter
from secid_rdf.read.twins import merge_twins
from secid_rdf.read.type_file import merge_type_files, type_from_json, type_from_markdown
from secid_rdf.secid import KNOWN_TYPES, TYPE_PATTERN

__all__ = [
    "MAX_FILE_BYTES",
    "FileCheck",
    "FileParser",
    "ParsedFiles",
    "cyclic_gc_paused",
    "expected_paths",
    "parse_namespace_files",
    "read_registry",
]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest registry file read; real namespace files are under 1 MB."""

_DOC_STEMS = {"readme", "index"}
_SUFFIXES = {".md": "markdown", ".json": "json"}


@dataclass(frozen=True)
class _File:
    """A candidate file: its registry-relative POSIX path and its path on disk."""

    rel: str
    path: str


ParsedFiles = tuple[list[Namespace | None], list[Finding]]
"""Namespace files parsed: a namespace (or ``None``) per file, in order, and the findings."""

FileParser = Callable[[Sequence[tuple[str, str]]], ParsedFiles]
"""Parses namespace files given as (registry-relative path, path on disk) pairs."""

FileCheck = Callable[[FileContext, object, Namespace | None], None]
"""Checks one parsed namespace file on its own: its context (path, line map, findings, to
which it adds), its parsed document, and the namespace read from it alone."""


def parse_namespace_files(
    files: Sequence[tuple[str, str]], check: FileCheck | None = None
) -> ParsedFiles:
    """Parse namespace files one by one, each on its own (no file sees another).

    :param files: (registry-relative POSIX path, path on disk) pairs.
    :param check: run on each file that parses, before any twin is merged.
    :returns: a namespace, or ``None`` for a document or unreadable file, per file.
    """
    findings: list[Finding] = []
    namespaces = [_read_namespace_file(_File(rel, path), findings, check) for rel, path in files]
    return namespaces, findings


def read_registry(
    path: str | os.PathLike[str],
    *,
    parse: FileParser = parse_namespace_files,
    content_digest: bool = True,
) -> Registry:
    """Read every type description and namespace file of a registry folder.

    :param path: the folder that holds the ``<type>/`` folders.
    :param parse: what parses the namespace files (files are independent, so a caller may
        parse them in other processes); twins, repeats and types are handled here.
    :param content_digest: name the content of a registry outside a git work tree by a
        digest of its files (``Registry.digest``); ``False`` skips reading every file twice
        where nothing uses it (validation).
    :returns: the registry; its ``findings`` hold every problem met, sorted.
    :raises RegistryNotFoundError: when ``path`` is not a folder.
    :raises EmptyRegistryError: when it holds no type or namespace file, or holds them only
        in ``registry/`` below it (a wrong folder: the one around the registry).

    >>> from secid_rdf.resources import bundled_registry_path
    >>> registry = read_registry(bundled_registry_path())
    >>> [ns.secid for ns in registry.namespaces if ns.namespace == "aisi"]
    ['secid:entity/aisi', 'secid:reference/aisi']
    """
    root = Path(path)
    if not root.is_dir():
        raise RegistryNotFoundError(str(path))
    with cyclic_gc_paused():
        return _read(root.resolve(), parse, given=root, content_digest=content_digest)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off inside the block (restored after it).

    Reading makes a few hundred thousand long-lived objects (the model) and almost no
    reference cycles, yet each object made counts toward the next collection, and each full
    collection rescans every object alive: 10,000 synthetic namespaces read in 2.7 s paused,
    4.9 s with the collector on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _read(root: Path, parse: FileParser, *, given: Path, content_digest: bool) -> Registry:
    """Read the registry at ``root`` (resolved; ``given`` is the path as the caller named it)."""
    findings: list[Finding] = []
    type_files: list[_File] = []
    namespace_files: list[_File] = []
    candidates = [file for file in _walk(str(root), findings) if _is_registry_file(file.rel)]
    for file in candidates:
        if "/" not in file.rel:
            if TYPE_PATTERN.fullmatch(file.rel.rsplit(".", 1)[0]):
                type_files.append(file)
        else:
            namespace_files.append(file)
    nested = given / "registry"
    if not candidates:
        raise EmptyRegistryError(str(given), str(nested) if nested.is_dir() else None)
    if not _holds_type_folders(candidates, "") and _holds_type_folders(candidates, "registry/"):
        raise EmptyRegistryError(str(given), str(nested))
    types = _read_types(type_files, findings)
    twins: list[tuple[Namespace, Namespace]] = []
    namespaces = _read_namespaces(namespace_files, findings, parse, twins)
    type_names = sorted({t.name for t in types} | {ns.type for ns in namespaces})
    by_name = {t.name: t for t in types}
    commit = head_commit(root)
    return Registry(
        root=root,
        types=tuple(by_name.get(name) or SecidType(name=name) for name in type_names),
        namespaces=tuple(sorted(namespaces, key=lambda ns: (ns.type, ns.namespace))),
        findings=tuple(sort_findings(findings)),
        commit=commit,
        digest=(
            _content_digest([*type_files, *namespace_files])
            if commit is None and content_digest
            else None
        ),
        twins=tuple(twins),
    )


def _is_registry_file(rel: str) -> bool:
    """True for a Markdown or JSON file that is not a README or INDEX document."""
    stem, suffix = os.path.splitext(rel.rsplit("/", 1)[-1])
    return suffix in _SUFFIXES and stem.lower() not in _DOC_STEMS


def _holds_type_folders(files: list[_File], prefix: str) -> bool:
    """True when the folder ``prefix`` names holds a type folder with a registry file in it.

    A type folder is named by a type description file beside it (``advisory.md`` next to
    ``advisory/``) or by a type SecID registries use (:data:`KNOWN_TYPES`). It tells a
    registry from the SecID checkout around it, whose ``registry/`` folder would otherwise
    be read as one more type.
    """
    inside = [file.rel[len(prefix) :] for file in files if file.rel.startswith(prefix)]
    types = KNOWN_TYPES | {rel.rsplit(".", 1)[0] for rel in inside if "/" not in rel}
    return any(rel.split("/", 1)[0] in types for rel in inside if "/" in rel)


def _content_digest(files: list[_File]) -> str:
    """``sha256:<hex>`` of the files' registry-relative paths and bytes, in path order.

    It names the registry's content wherever the folder is, so a registry that is not a
    git checkout still has a version. Each file is hashed on its own (its path, then the
    hash of its bytes); a file that cannot be read counts as empty (reading reported it).
    """
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda file: file.rel):
        try:
            with open(file.path, "rb") as handle:
                content = hashlib.file_digest(handle, "sha256").digest()
        except OSError:
            content = b""
        digest.update(file.rel.encode("utf-8") + b"\0" + content)
    return f"sha256:{digest.hexdigest()}"


def expected_paths(type_name: str, namespace: str, suffix: str) -> tuple[str, str]:
    """Where a namespace file belongs: the flat and the reverse-DNS layout.

    >>> expected_paths("advisory", "amazon.com/aws/s3", ".json")
    ('advisory/amazon.com/aws/s3.json', 'advisory/com/amazon/aws/s3.json')
    """
    domain, slash, rest = namespace.partition("/")
    reverse = "/".join(reversed(domain.split(".")))
    return (
        f"{type_name}/{namespace}{suffix}",
        f"{type_name}/{reverse}{slash}{rest}{suffix}",
    )


def _walk(root: str, findings: list[Finding]) -> list[_File]:
    """Regular files under ``root`` in sorted order, without following symbolic links."""
    files: list[_File] = []
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            findings.append(
                _finding(prefix or ".", None, None, f"cannot list folder: {error.strerror}")
            )
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            rel = f"{prefix}{entry.name}"
            if not _is_text_name(entry.name):
                shown = _shown_name(rel)
                findings.append(_finding(shown, None, None, "the name is not UTF-8; not read"))
            elif entry.is_symlink():
                findings.append(
                    _finding(rel, None, None, "symbolic link not followed", Severity.WARNING)
                )
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append((f"{rel}/", entry.path))
            elif entry.is_file(follow_symlinks=False):
                files.append(_File(rel, entry.path))
        pending.extend(reversed(subfolders))
    files.sort(key=lambda file: file.rel)
    return files


def _is_text_name(name: str) -> bool:
    """False for a file name that is not UTF-8 (Python shows its bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return name.isprintable()


def _shown_name(rel: str) -> str:
    """A file name that is not UTF-8 text, its odd bytes and characters shown as escapes."""
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _finding(
    rel: str, line: int | None, field: str | None, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(Location(rel, line, field), severity, READ_RULE, message)


def _read_text(file: _File, findings: list[Finding]) -> str | None:
    """A file's text as UTF-8 with ``\\n`` line ends; ``None`` (and an error) when unreadable."""
    try:
        with open(file.path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            if info.st_size > MAX_FILE_BYTES:
                findings.append(
                    _finding(
                        file.rel,
                        None,
                        "file",
                        f"file is larger than {MAX_FILE_BYTES} bytes; not read",
                    )
                )
                return None
            # asking for the size found costs a third of asking for the limit (no 8 MB buffer);
            # a file that grew since fstat is read on, up to the same limit
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as error:
        findings.append(_finding(file.rel, None, "file", f"cannot read file: {error.strerror}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        findings.append(
            _finding(
                file.rel,
                line,
                "encoding",
                f"not UTF-8: byte 0x{byte:02x} at column {column}; save the file as UTF-8",
            )
        )
        return None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        findings.append(_finding(file.rel, 1, "file", "the file is empty; it is not used"))
        return None
    return text.replace("\r\n", "\n") if "\r" in text else text


def _read_types(files: list[_File], findings: list[Finding]) -> list[SecidType]:
    """Read type description files; a type with both files gets them merged."""
    by_name: dict[str, SecidType] = {}
    for file in sorted(files, key=lambda f: (f.rel.endswith(".md"), f.rel)):  # JSON first
        text = _read_text(file, findings)
        if text is None:
            continue
        name = file.rel.rsplit(".", 1)[0]
        context = FileContext(file.rel, {})
        found: SecidType | None = None
        try:
            if file.rel.endswith(".json"):
                parsed = parse_json(text)
                context.lines = parsed.lines
                found = type_from_json(name, parsed.value, context)
            else:
                split = split_frontmatter(text)
                value = None
                body = text
                if split is not None:
                    parsed = parse_yaml(split.yaml, first_line=2)
                    context.lines, value, body = parsed.lines, parsed.value, split.body
                found = type_from_markdown(name, value, body, context)
        except ParseError as error:
            context.findings.append(_parse_failure(file, error))
        findings += context.findings
        if found is not None:
            by_name[name] = merge_type_files(by_name[name], found) if name in by_name else found
    return list(by_name.values())


def _parse_field(rel: str) -> str:
    """The FIELD word for a file that does not parse."""
    return "json" if rel.endswith(".json") else "frontmatter"


def _parse_failure(file: _File, error: ParseError) -> Finding:
    """The error for a file whose JSON or YAML frontmatter does not parse or breaks a bound."""
    field = format_path(error.path) if error.path else _parse_field(file.rel)
    return _finding(file.rel, error.line, field, error.message)


def _read_namespace_file(
    file: _File, findings: list[Finding], check: FileCheck | None = None
) -> Namespace | None:
    """Parse one namespace file; ``None`` for documents and unreadable files."""
    text = _read_text(file, findings)
    if text is None:
        return None
    is_json = file.rel.endswith(".json")
    context = FileContext(file.rel, {}, root_field=_parse_field(file.rel))
    namespace: Namespace | None = None
    try:
        if is_json:
            parsed = parse_json(text)
            body = None
        else:
            split = split_frontmatter(text)
            if split is None:
                return None  # a document, not a namespace file
            parsed = parse_yaml(split.yaml, first_line=2)
            body = split.body
            context.first_line = 2
        context.lines = parsed.lines
        for path in parsed.duplicates:
            message = "key appears twice in one mapping; the last value is used"
            context.report(path, message, Severity.WARNING)
        if body is None:
            namespace = namespace_from_json(parsed.value, context)
        else:
            namespace = namespace_from_markdown(parsed.value, body, context)
        if check is not None:
            check(context, parsed.value, namespace)
    except ParseError as error:
        context.findings.append(_parse_failure(file, error))
    findings += context.findings
    if namespace is not None:
        _check_source_names(namespace, findings)
    return namespace


def _check_source_names(namespace: Namespace, findings: list[Finding]) -> None:
    """Two sources with one name would share one SecID: report every repeat."""
    first_seen: dict[str, Source] = {}
    for source in namespace.sources:
        if source.name is None:
            continue
        first = first_seen.setdefault(source.name, source)
        if first is not source:
            message = (
                f"source name {source.name!r} is already used at line {first.location.line};"
                " both would have the SecID " + (source.secid or "")
            )
            findings.append(
                Finding(source.location, Severity.ERROR, READ_RULE, message, secid=source.secid)
            )


def _placement(rel: str, namespace: Namespace) -> int:
    """How far a file sits from where its namespace belongs, as a rank.

    0 at the reverse-DNS path (the one the registry uses), 1 at the flat path, 2 elsewhere:
    of two files that define one namespace, the better placed is the original.
    """
    flat, reverse = expected_paths(namespace.type, namespace.namespace, os.path.splitext(rel)[1])
    return 0 if rel == reverse else 1 if rel == flat else 2


def _check_layout(rel: str, namespace: Namespace, findings: list[Finding]) -> None:
    """Warn when a file sits where neither layout puts its namespace (the field wins)."""
    if _placement(rel, namespace) < 2:
        return
    flat, reverse = expected_paths(namespace.type, namespace.namespace, os.path.splitext(rel)[1])
    line = namespace.location.line
    if rel.split("/", 1)[0] != namespace.type:
        message = (
            f"type {namespace.type!r} belongs in {namespace.type}/, not {rel.split('/', 1)[0]}/"
        )
        findings.append(_finding(rel, line, "type", message, Severity.WARNING))
        return
    message = f"{namespace.namespace!r} belongs at {reverse} (or {flat}); the field is used"
    findings.append(_finding(rel, line, "namespace", message, Severity.WARNING))


def _read_namespaces(
    files: list[_File],
    findings: list[Finding],
    parse: FileParser,
    twins: list[tuple[Namespace, Namespace]],
) -> list[Namespace]:
    """Read namespace files, reject repeats within one format, and merge twins.

    Each (JSON record, Markdown twin) pair merged is added to ``twins``, unmerged. Of two
    files of one format that define the same namespace, the one where the layout puts that
    namespace is used (the reverse-DNS path before the flat one, see :func:`_placement`)
    and the other is reported (the copy, not the original); of files placed alike, the
    first in path order is used. Only a file used is told where it belongs.
    """
    claims: dict[tuple[str, str, str], list[tuple[_File, Namespace]]] = {}
    parsed, parse_findings = parse([(file.rel, file.path) for file in files])
    findings += parse_findings
    for file, namespace in zip(files, parsed, strict=True):
        if namespace is not None:
            key = (namespace.format, namespace.type, namespace.namespace)
            claims.setdefault(key, []).append((file, namespace))
    records: dict[tuple[str, str], dict[str, Namespace]] = {}
    for (_, type_name, name), claimed in claims.items():
        kept, namespace = min(claimed, key=lambda pair: _placement(pair[0].rel, pair[1]))
        _check_layout(kept.rel, namespace, findings)
        for file, repeat in claimed:
            if file is kept:
                continue
            message = (
                f"{type_name} namespace {name!r} is already defined in {kept.rel};"
                " this file is not used"
            )
            findings.append(_finding(file.rel, repeat.location.line, "namespace", message))
        records.setdefault((type_name, name), {})[namespace.format] = namespace
    result = []
    for formats in records.values():  # each holds a "json" record, a "markdown" one, or both
        record = formats.get("json")
        twin = formats.get("markdown")
        if record is None:
            result.append(formats["markdown"])
        elif twin is None:
            result.append(record)
        else:
            result.append(merge_twins(record, twin))
            twins.append((record, twin))
    return result
