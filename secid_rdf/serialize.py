"""The output formats and deterministic serialisation of quads to bytes.

pyoxigraph writes the RDF syntax (it is hundreds of times faster than rdflib's Turtle
writer); this module fixes the order, so the same graph always gives the same bytes:

- N-Triples and N-Quads: distinct lines, sorted;
- Turtle: triples sorted by subject (``rdf:type`` first, then by predicate and object), so
  a change to one registry field changes a few neighbouring lines; readable prefixes and an
  ``@base`` for the data IRIs;
- JSON-LD: compacted with the shipped context (:mod:`secid_rdf.jsonld`), nodes sorted by
  ``@id``, keys sorted.

Turtle, N-Triples and JSON-LD hold the union of the named graphs (each distinct triple
once); N-Quads keeps the named graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize as oxigraph_serialize

from secid_rdf.context import read_context
from secid_rdf.findings import UnsupportedFormatError
from secid_rdf.jsonld import Compactor, document_to_bytes, triples_to_document
from secid_rdf.vocab import PREFIXES, RDF

__all__ = [
    "FORMATS",
    "OutputFormat",
    "distinct_triples",
    "serialize",
]


@dataclass(frozen=True)
class OutputFormat:
    """An export format: the file it is written to, its media type and its syntax."""

    name: str
    file_name: str
    media_type: str
    rdf_format: RdfFormat
    title: str

    @property
    def keeps_graphs(self) -> bool:
        """True when the format writes named graphs (N-Quads)."""
        return self.rdf_format.supports_datasets


FORMATS: Mapping[str, OutputFormat] = MappingProxyType(
    {
        fmt.name: fmt
        for fmt in (
            OutputFormat("turtle", "secid.ttl", "text/turtle", RdfFormat.TURTLE, "Turtle"),
            OutputFormat(
                "ntriples", "secid.nt", "application/n-triples", RdfFormat.N_TRIPLES, "N-Triples"
            ),
            OutputFormat(
                "nquads", "secid.nq", "application/n-quads", RdfFormat.N_QUADS, "N-Quads"
            ),
            OutputFormat(
                "jsonld", "secid.jsonld", "application/ld+json", RdfFormat.JSON_LD, "JSON-LD"
            ),
        )
    }
)
"""The export formats by name (the ``--format`` choices)."""


def _term_key(term: object) -> str:
    """Sort text of a subject: the bare IRI, so ``<a>`` comes before ``<a/b>`` and ``<a;x>``."""
    return term.value if isinstance(term, NamedNode) else str(term)


def distinct_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The triples of ``quads`` with graphs dropped, each once, sorted for Turtle.

    Order: subject, then ``rdf:type`` before other predicates, then predicate, then object.
    """
    triples = {quad.triple for quad in quads}
    return sorted(
        triples,
        key=lambda t: (_term_key(t.subject), t.predicate != RDF.type, t.predicate.value, str(t.object)),
    )


def _sorted_lines(data: bytes) -> bytes:
    """The distinct lines of line-based RDF, sorted bytewise."""
    return b"".join(sorted({line + b"\n" for line in data.splitlines() if line}))


def _turtle(triples: list[Triple], base: str | None, prefixes: Mapping[str, str]) -> bytes:
    """Turtle with absolute ``@prefix`` lines (pyoxigraph writes them relative to ``@base``)."""
    ordered = dict(sorted(prefixes.items()))
    body = oxigraph_serialize(triples, format=RdfFormat.TURTLE, prefixes=ordered, base_iri=base)
    lines = body.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith((b"@base ", b"@prefix ")):
        start += 1
    header = [f"@base <{base}> .\n"] if base else []
    header += [f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in ordered.items()]
    return "".join(header).encode("utf-8") + b"\n" + b"".join(lines[start:])


def serialize(quads: Iterable[Quad], format_name: str, *, base: str | None = None) -> bytes:
    """Serialise quads in one of :data:`FORMATS`, the same bytes for the same graph.

    :param quads: the graph; every quad in a named graph for N-Quads to keep it.
    :param format_name: a key of :data:`FORMATS`.
    :param base: the data base IRI; Turtle writes it as ``@base`` and data IRIs relative.
    :returns: UTF-8 bytes.
    :raises UnsupportedFormatError: for a name not in :data:`FORMATS`.

    >>> from pyoxigraph import Literal, NamedNode
    >>> q = Quad(NamedNode("https://ex.org/a"), RDF.type, NamedNode("https://ex.org/C"))
    >>> serialize([q, q], "ntriples")
    b'<https://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/C> .\\n'
    """
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise UnsupportedFormatError(format_name, tuple(sorted(FORMATS)))
    quads = list(quads)
    if fmt.keeps_graphs:
        return _sorted_lines(oxigraph_serialize(quads, format=fmt.rdf_format))
    triples = distinct_triples(quads)
    if fmt.rdf_format == RdfFormat.N_TRIPLES:
        return _sorted_lines(oxigraph_serialize(triples, format=fmt.rdf_format))
    if fmt.rdf_format == RdfFormat.TURTLE:
        return _turtle(triples, base, PREFIXES)
    compactor = Compactor(read_context()["@context"])
    return document_to_bytes(triples_to_document(triples, compactor))
