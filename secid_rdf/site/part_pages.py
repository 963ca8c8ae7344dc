"""A part's pages, made in the export's worker that converted it.

For each namespace whose pages the part writes: the namespace's page and one per source
that has a SecID of its own (data files and HTML), and the small record the site-wide
pages list it by. Worked examples are resolved against the part's own triples (the table
the resolver builds from a graph, here from the part's statements without a store).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from functools import cache, partial
from pathlib import PurePosixPath

from pyoxigraph import NamedNode, Triple

from secid_rdf.findings import InvalidSecidError
from secid_rdf.formats.dump_format import GraphPart
from secid_rdf.formats.pages import Page, iter_pages
from secid_rdf.iris import namespace_iri, secid_iri
from secid_rdf.model import Namespace, Source
from secid_rdf.resolve.resolver import resolve_secids
from secid_rdf.resolve.table import TABLE_PREDICATES, Table, build_table
from secid_rdf.site.namespace_page import (
    PageLinks,
    first_paragraph,
    html_path,
    namespace_html,
    source_html,
    title_of,
)
from secid_rdf.site.paths import secid_stem
from secid_rdf.site.summary import NamespaceSummary, SourceSummary

__all__ = ["page_stems", "part_pages", "source_iri"]


def source_iri(base: str, source: Source) -> str | None:
    """The IRI of a source named by its SecID, or ``None`` (a source named by a pattern)."""
    if source.secid is None:
        return None
    try:
        return secid_iri(base, source.secid).value
    except InvalidSecidError:
        return None


def page_stems(base: str, namespaces: Sequence[Namespace]) -> frozenset[str]:
    """The stems of every namespace's and named source's page: what a page may link to."""
    stems: set[str | None] = set()
    for namespace in namespaces:
        stems.add(secid_stem(base, namespace.secid))
        stems.update(secid_stem(base, s.secid) for s in namespace.sources if s.secid)
    return frozenset(stem for stem in stems if stem is not None)


def _table(part: GraphPart) -> Table:
    """The resolution table of the part's namespaces, from its triples."""
    rows = []
    for key, triple in zip(part.triples.keys, part.triples.triples, strict=True):
        if key[2] in TABLE_PREDICATES:
            subject, value = triple.subject, triple.object
            if not isinstance(subject, Triple) and not isinstance(value, Triple):
                rows.append((subject.value, key[2], value.value, isinstance(value, NamedNode)))
    return build_table(rows)


def part_pages(
    part: GraphPart,
    namespaces: Sequence[Namespace],
    owners: Collection[tuple[str, str]],
    stems: Collection[str],
) -> tuple[list[Page], list[NamespaceSummary]]:
    """The pages of the namespaces of ``owners`` in a converted part, and their summaries.

    :param namespaces: every namespace of the part (a nested one keeps its own triples).
    :param owners: the ``(type, namespace)`` pairs whose pages this part writes.
    :param stems: the stems of every page of the site (links go only to those).
    """
    base = part.base or ""
    writing = [ns for ns in namespaces if (ns.type, ns.namespace) in owners]
    iris = {id(ns): namespace_iri(base, ns.type, ns.namespace).value for ns in namespaces}
    sources = {
        id(ns): [(s, iri) for s in ns.sources if (iri := source_iri(base, s)) is not None]
        for ns in writing
    }
    roots = [iris[id(ns)] for ns in writing]
    roots += [iri for ns in writing for _, iri in sources[id(ns)]]
    data = {page.iri: page for page in iter_pages(part, roots, sorted(iris.values()))}
    table = cache(partial(_table, part))  # made when a page first shows an example
    resolved: dict[str, str | None] = {}

    def resolve(secid: str) -> str | None:
        if secid not in resolved:  # a source's first example is on two pages
            answer = resolve_secids([secid], table())[0]
            found = answer.status == "found" and answer.urls
            resolved[secid] = answer.urls[0].url if found else None
        return resolved[secid]

    links = PageLinks(base, stems, resolve)
    pages: list[Page] = []
    summaries: list[NamespaceSummary] = []
    for namespace in writing:
        page = data.get(iris[id(namespace)])
        if page is None:
            continue
        own = [(source, data[iri]) for source, iri in sources[id(namespace)] if iri in data]
        stems_of = {id(source): p.path for source, p in own}
        listed = [(source, stems_of.get(id(source))) for source in namespace.sources]
        html = namespace_html(namespace, page.path, page.jsonld, listed, links)
        pages.append(dataclasses.replace(page, html=html))
        for source, source_page in own:
            html = source_html(
                namespace, page.path, source, source_page.path, source_page.jsonld, links
            )
            pages.append(dataclasses.replace(source_page, html=html))
        summaries.append(_summary(namespace, page.path, own))
    return pages, summaries


def _summary(
    namespace: Namespace, stem: PurePosixPath, own: Sequence[tuple[Source, Page]]
) -> NamespaceSummary:
    """What the site-wide pages list of a namespace and its sources with pages."""
    return NamespaceSummary(
        type_name=namespace.type,
        namespace=namespace.namespace,
        secid=namespace.secid,
        title=title_of(namespace, namespace.namespace),
        page=html_path(stem),
        description=first_paragraph(namespace.description or ""),
        status=namespace.status,
        sources=tuple(
            SourceSummary(
                secid=source.secid or "",
                title=title_of(source, source.name or ""),
                page=html_path(page.path),
                description=first_paragraph(source.description or ""),
            )
            for source, page in own
        ),
    )
