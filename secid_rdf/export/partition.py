"""An export's parts: which namespaces go together, and converting them in the workers.

A part is a run of namespaces of one SecID type, in IRI order, of at most
:data:`PART_SIZE` namespaces and about :data:`PART_WEIGHT` model objects. Namespaces
whose IRIs extend one another (``.../advisory/github.com`` and
``.../advisory/github.com/advisories``) stay in one part: their subjects interleave in
sorted order. Parts of different types never interleave either (each type's namespace
IRIs share a prefix ``<base><type>/`` that no other type's IRIs start with), so the parts'
records follow one another in every dump format, in the order the parts are planned (see
:mod:`secid_rdf.export.dump_files`).

The parts are converted in :class:`~secid_rdf.export.workers.Workers`, which also parse
the namespace files. Each worker also makes its namespaces' pages; the parent, which
mostly waits, writes them.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from pyoxigraph import Quad

from secid_rdf.convert.builder import convert_part
from secid_rdf.export.workers import Workers
from secid_rdf.findings import Finding
from secid_rdf.formats.context import with_base
from secid_rdf.formats.dataset import DatasetStats
from secid_rdf.formats.dump_format import GraphPart, OutputFormat, Run
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.formats.pages import Page
from secid_rdf.formats.serialize import FORMATS
from secid_rdf.iris import namespace_iri
from secid_rdf.model import MatchNode, Namespace
from secid_rdf.read.registry import FileCheck, FileParser, ParsedFiles, parse_namespace_files
from secid_rdf.site.part_pages import part_pages
from secid_rdf.site.paths import site_stem
from secid_rdf.site.summary import NamespaceSummary
from secid_rdf.vocab import DATA_PREFIX

__all__ = [
    "PART_SIZE",
    "PART_WEIGHT",
    "PartResult",
    "PartSettings",
    "converting",
    "namespace_weight",
    "page_owners",
    "parse_in",
    "plan_parts",
]

PART_SIZE = 200
"""Most namespaces in a part: bounds the memory a part takes in a worker."""

PART_WEIGHT = 600
"""Model objects a part aims at (:func:`namespace_weight`): parts of about equal work, so
no worker is left with a long part while the other waits at the end."""


@dataclass(frozen=True)
class PartSettings:
    """What converting any part needs; sent once to each worker.

    :param formats: names of the dump formats to make runs for.
    :param with_pages: whether to make the namespace and source pages.
    :param context_url: where the JSON-LD context is published, for documents to name it;
        ``None`` puts it inline.
    :param page_stems: the site stems of every page of the export (pages link only to those).
    """

    base: str
    formats: tuple[str, ...]
    commit: str | None
    with_pages: bool
    context_url: str | None = None
    page_stems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PartResult:
    """One converted part: a run per format name, counts, concepts, findings, pages.

    ``summaries`` describe the part's namespaces for the site-wide pages.
    """

    runs: dict[str, Run | None]
    stats: DatasetStats
    concepts: list[Quad]
    findings: list[Finding]
    pages: list[Page]
    summaries: list[NamespaceSummary]


def namespace_weight(namespace: Namespace) -> int:
    """How much converting a namespace takes, roughly: the model objects that become triples.

    Measured on both corpora and synthetic registries, the time per unit stays within a
    factor of about two, where namespaces alone differ by a factor of fifty.
    """
    own = namespace.urls, namespace.extras, namespace.examples, namespace.id_patterns
    return 1 + sum(map(len, own)) + sum(map(_node_weight, namespace.sources))


def _node_weight(node: MatchNode) -> int:
    own = node.urls, node.examples, node.versions, node.extras, node.id_patterns, node.patterns
    return 1 + sum(map(len, own)) + sum(map(_node_weight, node.children))


def plan_parts(
    namespaces: Sequence[Namespace], base: str, size: int | None = None
) -> list[list[Namespace]]:
    """Split namespaces into parts: one type each, IRI order, related IRIs together.

    The parts come in IRI order too, which is the order of their records in every dump.
    A part ends once it holds ``size`` namespaces (default :data:`PART_SIZE`) or weighs
    :data:`PART_WEIGHT`, and always where the type changes. Inside a part, namespaces keep
    the order of ``namespaces`` (the registry's), so a duplicate is reported against the
    same first definition as in a whole conversion.

    :param size: namespaces per part at most; a part grows beyond it only to keep related
        IRIs together.
    """
    size = size or PART_SIZE
    order = {id(namespace): index for index, namespace in enumerate(namespaces)}
    by_iri = sorted(
        (
            (namespace_iri(base, ns.type, ns.namespace).value, index, ns)
            for index, ns in enumerate(namespaces)
        ),
        key=lambda item: item[:2],
    )
    parts: list[list[Namespace]] = []
    part: list[Namespace] = []
    weight = 0
    root: str | None = None
    for iri, _, namespace in by_iri:
        if root is None or not iri.startswith(root) or namespace.type != part[-1].type:
            root = iri
            if part and (
                len(part) >= size or weight >= PART_WEIGHT or namespace.type != part[-1].type
            ):
                parts.append(part)
                part, weight = [], 0
        part.append(namespace)
        weight += namespace_weight(namespace)
    if part:
        parts.append(part)
    return [sorted(part, key=lambda namespace: order[id(namespace)]) for part in parts]


def page_owners(namespaces: Sequence[Namespace], base: str) -> frozenset[tuple[str, str]]:
    """The ``(type, namespace)`` pairs that write a page: the first of each page path."""
    owners: dict[object, tuple[str, str]] = {}
    for namespace in namespaces:
        pair = (namespace.type, namespace.namespace)
        owners.setdefault(site_stem(base, namespace_iri(base, *pair).value), pair)
    return frozenset(owners.values())


_compactor: Compactor | None = None
"""This process's compactor (its caches serve every part the process converts)."""


def _convert(
    settings: PartSettings, namespaces: list[Namespace], pages_of: list[tuple[str, str]]
) -> PartResult:
    """Convert one part: its runs, counts, concepts, findings and pages."""
    global _compactor
    if (
        _compactor is None
        or _compactor.context_url != settings.context_url
        or _compactor.context.get(DATA_PREFIX) != settings.base
    ):
        _compactor = Compactor(with_base(settings.base), context_url=settings.context_url)
    converted = convert_part(namespaces, commit=settings.commit, base=settings.base)
    part = GraphPart(converted.quads, base=settings.base, compactor=_compactor)
    # the format that keeps the graphs first: another may derive its run from that one
    for fmt in sorted(map(FORMATS.__getitem__, settings.formats), key=_graphs_last):
        part.runs[fmt.name] = fmt.run(part)
    stats = DatasetStats(settings.base)
    stats.add(converted.quads, part.triples)
    pages: list[Page] = []
    summaries: list[NamespaceSummary] = []
    if settings.with_pages:
        pages, summaries = part_pages(part, namespaces, set(pages_of), settings.page_stems)
    return PartResult(part.runs, stats, converted.concepts, converted.findings, pages, summaries)


def _graphs_last(fmt: OutputFormat) -> bool:
    return not fmt.keeps_graphs


FILES_PER_TASK = 100
"""Namespace files a worker parses per task."""


def parse_in(workers: Workers, check: FileCheck | None = None) -> FileParser:
    """A file parser for :func:`~secid_rdf.read.registry.read_registry` that uses ``workers``.

    :param check: run on each file as it is parsed (in the worker); a module-level function,
        so that it reaches the workers by name.
    """
    parse_files = partial(parse_namespace_files, check=check)

    def parse(files: Sequence[tuple[str, str]]) -> ParsedFiles:
        if workers.count <= 1 or len(files) <= FILES_PER_TASK:
            return parse_files(files)
        chunks = [
            files[start : start + FILES_PER_TASK] for start in range(0, len(files), FILES_PER_TASK)
        ]
        namespaces: list[Namespace | None] = []
        findings: list[Finding] = []
        for parsed, found in workers.ordered(parse_files, chunks):
            namespaces += parsed
            findings += found
        return namespaces, findings

    return parse


_Task = tuple[str | PartSettings, list[Namespace], list[tuple[str, str]]]
"""A part to convert: its settings (or the file that holds them), namespaces, page owners."""

_settings: tuple[str, PartSettings] | None = None
"""The settings this worker last loaded, and the file they came from."""


def _convert_task(task: _Task) -> PartResult:
    """Convert a part in a worker, loading the settings once per export and process."""
    global _settings
    source, namespaces, pages_of = task
    if isinstance(source, str):
        if _settings is None or _settings[0] != source:
            with open(source, "rb") as handle:
                _settings = (source, pickle.load(handle))  # this export's own file
        settings = _settings[1]
    else:
        settings = source
    return _convert(settings, namespaces, pages_of)


@contextlib.contextmanager
def converting(
    workers: Workers,
    settings: PartSettings,
    parts: Sequence[Sequence[Namespace]],
    page_namespaces: frozenset[tuple[str, str]],
    scratch: str,
) -> Iterator[Iterator[PartResult]]:
    """The result of each part, in part order; the workers start on the first ones now.

    The settings (the registry's namespace pairs among them: megabytes for a large
    registry) reach each worker once, through a hidden file in the folder ``scratch``,
    instead of with every part; the file is removed when the block ends.

    :param page_namespaces: the ``(type, namespace)`` pairs whose pages to write.
    :raises SecidRdfError: (or any error of a part) when a part fails.
    """
    source: str | PartSettings = settings
    if workers.count > 1:
        source = os.path.join(scratch, f".secid-settings.{secrets.token_hex(6)}.tmp")
        with open(source, "xb") as handle:
            pickle.dump(settings, handle, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        yield workers.ordered(
            _convert_task,
            [
                (
                    source,
                    list(part),
                    [
                        (ns.type, ns.namespace)
                        for ns in part
                        if (ns.type, ns.namespace) in page_namespaces
                    ],
                )
                for part in parts
            ],
        )
    finally:
        if isinstance(source, str):
            with contextlib.suppress(OSError):
                os.unlink(source)
