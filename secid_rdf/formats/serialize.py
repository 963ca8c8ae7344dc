"""The output formats, by name, and deterministic serialisation of quads to bytes.

The same graph always gives the same bytes, whatever the input order:

- N-Triples and N-Quads: written by pyoxigraph, then distinct lines sorted
  (:mod:`secid_rdf.formats.ntriples`);
- Turtle: one block per subject in IRI order, one object per line
  (:mod:`secid_rdf.formats.turtle`);
- JSON-LD: compacted with the shipped context, nodes sorted by ``@id``, keys sorted
  (:mod:`secid_rdf.formats.jsonld_dump`).

Turtle, N-Triples and JSON-LD hold the union of the named graphs (each distinct triple
once); N-Quads keeps the named graphs. Each format writes a header, sorted records and a
footer (:class:`~secid_rdf.formats.dump_format.OutputFormat`): a whole graph here, many
parts in an export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from pyoxigraph import Quad

from secid_rdf.findings import UnsupportedFormatError
from secid_rdf.formats.dump_format import GraphPart, OutputFormat, SortedTriples
from secid_rdf.formats.jsonld_dump import JsonLd
from secid_rdf.formats.ntriples import NQuads, NTriples
from secid_rdf.formats.turtle import Turtle

__all__ = ["FORMATS", "output_format", "serialize"]

FORMATS: Mapping[str, OutputFormat] = MappingProxyType(
    {fmt.name: fmt for fmt in (Turtle(), NTriples(), NQuads(), JsonLd())}
)
"""The export formats by name (the ``--format`` choices), in the order they are listed."""


def output_format(name: str) -> OutputFormat:
    """The format called ``name``.

    :raises UnsupportedFormatError: for a name not in :data:`FORMATS`.
    """
    fmt = FORMATS.get(name)
    if fmt is None:
        raise UnsupportedFormatError(name, tuple(sorted(FORMATS)))
    return fmt


def serialize(
    quads: Iterable[Quad],
    format_name: str,
    *,
    base: str | None = None,
    triples: SortedTriples | None = None,
) -> bytes:
    """Serialise quads in one of :data:`FORMATS`, the same bytes for the same graph.

    :param quads: the graph; every quad in a named graph for N-Quads to keep it.
    :param format_name: a key of :data:`FORMATS`.
    :param base: the data base IRI; Turtle writes it as ``@base`` and data IRIs relative.
    :param triples: ``distinct_triples(quads)`` when the caller already has it (it takes
        longer than writing a format, so an export of several formats sorts once).
    :returns: UTF-8 bytes.
    :raises UnsupportedFormatError: for a name not in :data:`FORMATS`.

    >>> from pyoxigraph import NamedNode
    >>> from secid_rdf.vocab import RDF
    >>> q = Quad(NamedNode("https://ex.org/a"), RDF.type, NamedNode("https://ex.org/C"))
    >>> serialize([q, q], "ntriples")
    b'<https://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/C> .\\n'
    """
    fmt = output_format(format_name)
    return fmt.document(GraphPart(list(quads), base=base, triples=triples))
