"""A page per SecID type (``advisory.html``): what the type holds and its namespaces.

The type's description comes from its concept in the graph (the registry's type file); the
list from the namespace summaries. A type with more namespaces than :data:`PAGE_SIZE` is
split into numbered pages under ``_type/<type>/`` (``_`` names at the top of the site are
never data), linked from each other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pyoxigraph import NamedNode, Quad

from secid_rdf.formats.jsonld import Compactor, document_to_bytes
from secid_rdf.iris import type_iri
from secid_rdf.secid import KNOWN_TYPES
from secid_rdf.site.paths import file_segment, href, site_stem
from secid_rdf.site.skeleton import HOME, Alternate, Frame, render_page, text
from secid_rdf.site.statements import Statements
from secid_rdf.site.summary import NamespaceSummary
from secid_rdf.vocab import DCTERMS, RDFS, SECID, SKOS

__all__ = ["PAGE_SIZE", "SecidTypeInfo", "type_infos", "type_pages"]

PAGE_SIZE = 1000
"""Most namespaces on one type page (a page stays under about a megabyte)."""


@dataclass(frozen=True)
class SecidTypeInfo:
    """A SecID type as its page shows it: name, label, description, IRI and page stem."""

    name: str
    label: str
    description: str
    iri: str
    stem: PurePosixPath

    @property
    def page(self) -> PurePosixPath:
        """The type's (first) page, ``advisory.html``."""
        return self.data_file(".html")

    def data_file(self, suffix: str) -> PurePosixPath:
        """The type's file with this suffix (``advisory.jsonld``)."""
        return self.stem.with_name(self.stem.name + suffix)

    def numbered(self, number: int) -> PurePosixPath:
        """The page ``number`` (from 1) of the type's list."""
        if number == 1:
            return self.page
        return PurePosixPath("_type", self.stem.name, f"{number}.html")


def type_infos(
    graph: Statements, summaries: Sequence[NamespaceSummary], base: str
) -> list[SecidTypeInfo]:
    """Every type the graph describes or a summary uses, sorted by name."""
    described = {}
    for iri in graph.of_type(SECID.SecidType):
        name = graph.text(iri, SKOS.notation)
        if name is not None:
            described[name] = iri
    out = []
    for name in sorted(described.keys() | {summary.type_name for summary in summaries}):
        iri = described.get(name) or type_iri(base, name).value
        stem = site_stem(base, iri) or PurePosixPath(file_segment(name))
        out.append(
            SecidTypeInfo(
                name=name,
                label=graph.text(iri, SKOS.prefLabel, RDFS.label) or name,
                description=graph.text(iri, DCTERMS.description) or "",
                iri=iri,
                stem=stem,
            )
        )
    return out


def _namespace(here: PurePosixPath, summary: NamespaceSummary) -> str:
    """One namespace of the list: title, SecID, status, description, sources."""
    parts = [
        (
            f'<li class="namespace"><a href="{text(href(here, summary.page))}">'
            f"<strong>{text(summary.title)}</strong></a> "
            f"<code>{text(summary.secid)}</code>"
        )
    ]
    if summary.status:
        parts.append(f' <span class="status">{text(summary.status)}</span>')
    if summary.description:
        parts.append(f"<br>{text(summary.description)}")
    if summary.sources:
        links = ", ".join(
            f'<a href="{text(href(here, source.page))}">{text(source.title)}</a>'
            for source in summary.sources
        )
        parts.append(f"<br>Sources: {links}")
    parts.append("</li>")
    return "".join(parts)


def _pager(here: PurePosixPath, info: SecidTypeInfo, count: int) -> str:
    """Links to every numbered page of the type, the current one marked."""
    items = []
    for number in range(1, count + 1):
        target = info.numbered(number)
        if target == here:
            items.append(f'<li aria-current="page">{number}</li>')
        else:
            items.append(f'<li><a href="{text(href(here, target))}">{number}</a></li>')
    label = text(f"Pages of {info.label}")
    return f'<nav aria-label="{label}" class="pages"><ol>{"".join(items)}</ol></nav>'


def _embedded(info: SecidTypeInfo, quads: Sequence[Quad], compactor: Compactor) -> str | None:
    """The JSON-LD of the type's own triples, to embed in its page; None when it has none."""
    triples = sorted(
        {quad.triple for quad in quads if quad.subject == NamedNode(info.iri)}, key=str
    )
    if not triples:
        return None
    node = compactor.node(triples)
    return document_to_bytes({"@context": compactor.document_context(node), **node}).decode()


def type_pages(
    info: SecidTypeInfo,
    summaries: Sequence[NamespaceSummary],
    quads: Sequence[Quad],
    *,
    compactor: Compactor,
) -> Iterator[tuple[PurePosixPath, bytes]]:
    """The type's pages: ``summaries`` are its namespaces, in list order.

    The first page embeds the type's JSON-LD and links its data files, ``<type>.jsonld``
    and ``<type>.ttl``, which the export writes with the other data files (for the
    types :data:`~secid_rdf.secid.KNOWN_TYPES` names).

    :param quads: statements that include the type's own (its concept in the graph).
    """
    jsonld = _embedded(info, quads, compactor)
    alternates: tuple[Alternate, ...] = ()
    if jsonld is not None and info.name in KNOWN_TYPES:
        alternates = (
            Alternate("application/ld+json", info.data_file(".jsonld"), "JSON-LD"),
            Alternate("text/turtle", info.data_file(".ttl"), "Turtle"),
        )
    sources = sum(len(summary.sources) for summary in summaries)
    count = max(1, -(-len(summaries) // PAGE_SIZE))
    for number in range(1, count + 1):
        here = info.numbered(number)
        chunk = summaries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        body = [
            f"<h1>{text(info.label)} <code>secid:{text(info.name)}</code></h1>",
            f"<p>{text(info.description)}</p>" if info.description else "",
            f"<p>{len(summaries):,} namespaces and {sources:,} sources.</p>",
            _pager(here, info, count) if count > 1 else "",
            '<ul class="namespaces">' + "".join(_namespace(here, s) for s in chunk) + "</ul>",
            _pager(here, info, count) if count > 1 else "",
        ]
        crumbs: tuple[tuple[str, PurePosixPath], ...] = (("Home", HOME), (info.label, info.page))
        if number > 1:
            crumbs += ((f"Page {number}", here),)
        frame = Frame(
            title=info.label if number == 1 else f"{info.label}, page {number}",
            here=here,
            breadcrumbs=crumbs,
            alternates=alternates if number == 1 else (),
            jsonld=jsonld if number == 1 else None,
            description=info.description or None,
        )
        yield here, render_page(frame, "\n".join(part for part in body if part))
