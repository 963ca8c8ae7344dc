"""An export's parts: which namespaces go together, and what converting one part gives.

A part is a run of namespaces of one SecID type, in IRI order, of about
:data:`PART_SIZE` namespaces. Namespaces whose IRIs extend one another
(``.../advisory/github.com`` and ``.../advisory/github.com%2Fadvisories``) stay in one part:
their subjects interleave in sorted order. So the parts' records follow one another in
every dump format (see :mod:`secid_rdf.dumps`).

Parts are converted in worker processes when the platform can fork (the registry model
is inherited, not copied through a pipe), one at a time otherwise; each worker also writes
its namespaces' pages, so page writing runs in parallel too.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import Quad

from secid_rdf.context import read_context
from secid_rdf.convert import convert_part
from secid_rdf.dataset import DatasetStats
from secid_rdf.dumps import Run, part_records, to_run
from secid_rdf.findings import Finding
from secid_rdf.iris import namespace_iri
from secid_rdf.jsonld import Compactor
from secid_rdf.model import Namespace, Registry
from secid_rdf.pages import Page, iter_pages, page_path
from secid_rdf.serialize import OutputFormat, distinct_triples

__all__ = [
    "PART_SIZE",
    "PartJob",
    "PartResult",
    "convert_parts",
    "page_owners",
    "plan_parts",
]

PART_SIZE = 200
"""Namespaces per part: small enough to share work between processes and bound memory."""


@dataclass(frozen=True)
class PartJob:
    """What every part needs: the registry, the formats, and where pages go.

    ``write_page`` is called in the process that converted the page's namespace.
    """

    registry: Registry
    parts: Sequence[Sequence[Namespace]]
    formats: Sequence[OutputFormat]
    base: str
    page_namespaces: frozenset[tuple[str, str]]
    write_page: Callable[[Page], list[str]] | None
    known: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class PartResult:
    """One converted part: a run per format name, counts, concepts, findings, pages."""

    runs: dict[str, Run | None]
    stats: DatasetStats
    concepts: list[Quad]
    findings: list[Finding]
    pages: list[str]


def plan_parts(
    namespaces: Sequence[Namespace], base: str, size: int | None = None
) -> list[list[Namespace]]:
    """Split namespaces into parts: one type each, IRI order, related IRIs together.

    :param size: namespaces per part (default :data:`PART_SIZE`); a part grows beyond it
        only to keep related IRIs together.

    Inside a part, namespaces keep the order of ``namespaces`` (the registry's), so a
    duplicate is reported against the same first definition as in a whole conversion.
    """
    size = size or PART_SIZE
    order = {id(namespace): index for index, namespace in enumerate(namespaces)}
    by_type: dict[str, list[tuple[str, Namespace]]] = {}
    for namespace in namespaces:
        iri = namespace_iri(base, namespace.type, namespace.namespace).value
        by_type.setdefault(namespace.type, []).append((iri, namespace))
    parts: list[list[Namespace]] = []
    for type_name in sorted(by_type):
        part: list[Namespace] = []
        root: str | None = None
        for iri, namespace in sorted(by_type[type_name], key=lambda item: item[0]):
            related = root is not None and iri.startswith(root)
            if not related:
                root = iri
                if len(part) >= size:
                    parts.append(part)
                    part = []
            part.append(namespace)
        if part:
            parts.append(part)
    return [sorted(part, key=lambda namespace: order[id(namespace)]) for part in parts]


def page_owners(namespaces: Sequence[Namespace]) -> frozenset[tuple[str, str]]:
    """The ``(type, namespace)`` pairs that write a page: the first of each page path."""
    owners: dict[object, tuple[str, str]] = {}
    for namespace in namespaces:
        owners.setdefault(
            page_path(namespace.type, namespace.namespace), (namespace.type, namespace.namespace)
        )
    return frozenset(owners.values())


_job: PartJob | None = None
"""The job of this process's parts (set before forking, so workers inherit it)."""

_compactor: Compactor | None = None


def _convert(index: int) -> PartResult:
    """Convert part ``index`` of :data:`_job`: its runs, counts and pages."""
    global _compactor
    job = _job
    assert job is not None
    if _compactor is None:
        _compactor = Compactor(read_context()["@context"])
    namespaces = job.parts[index]
    converted = convert_part(job.registry, namespaces, base=job.base, known=job.known)
    triples = distinct_triples(converted.quads)
    runs = {
        fmt.name: to_run(
            part_records(fmt, converted.quads, triples, base=job.base, compactor=_compactor)
        )
        for fmt in job.formats
    }
    stats = DatasetStats(job.base)
    stats.add(converted.quads, triples)
    pages: list[str] = []
    if job.write_page is not None:
        owned = [
            (ns.type, ns.namespace)
            for ns in namespaces
            if (ns.type, ns.namespace) in job.page_namespaces
        ]
        for page in iter_pages(triples, owned, base=job.base, compactor=_compactor):
            pages += job.write_page(page)
    return PartResult(runs, stats, converted.concepts, converted.findings, pages)


def _workers(parts: int) -> int:
    """How many processes to convert with: one per available core, at most one per part."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(cores, parts))


def convert_parts(job: PartJob, *, jobs: int | None = None) -> Iterator[PartResult]:
    """The results of every part of ``job``, in part order.

    :param jobs: processes to use; by default one per available core (1: this process).
    """
    global _job
    workers = min(jobs, len(job.parts)) if jobs else _workers(len(job.parts))
    _job = job
    try:
        if workers <= 1:
            for index in range(len(job.parts)):
                yield _convert(index)
            return
        gc.freeze()  # workers' collections then leave the shared model's pages alone
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                yield from pool.imap(_convert, range(len(job.parts)))
        finally:
            gc.unfreeze()
    finally:
        _job = None
