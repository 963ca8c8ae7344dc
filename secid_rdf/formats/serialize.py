"""The output formats and deterministic serialisation of quads to bytes.

The same graph always gives the same bytes, whatever the input order:

- N-Triples and N-Quads: written by pyoxigraph, then distinct lines sorted;
- Turtle: one block per subject in IRI order (``rdf:type`` first, then predicate and object
  order), one object per line, so a change to one registry field changes one line; prefixed
  names for vocabulary terms and ``<relative>`` data IRIs under ``@base``. The layout is
  written here and each term is escaped by pyoxigraph: pyoxigraph's own Turtle writer
  would write every ``https:`` IRI relative to an ``https:`` base (``<//www.cve.org/...>``)
  and escape each ``/`` of a prefixed name;
- JSON-LD: compacted with the shipped context (:mod:`secid_rdf.formats.jsonld`), nodes sorted by
  ``@id``, keys sorted.

Turtle, N-Triples and JSON-LD hold the union of the named graphs (each distinct triple
once); N-Quads keeps the named graphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import overload

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple
from pyoxigraph import serialize as oxigraph_serialize

from secid_rdf.findings import UnsupportedFormatError
from secid_rdf.formats.context import compact_iri, read_context
from secid_rdf.formats.jsonld import Compactor, document_to_bytes, triples_to_document
from secid_rdf.vocab import PREFIXES, RDF, XSD

__all__ = [
    "FORMATS",
    "OutputFormat",
    "SortedTriples",
    "TripleKey",
    "distinct_triples",
    "serialize",
]


@dataclass(frozen=True)
class OutputFormat:
    """An export format: the file it is written to, its media type and its syntax.

    ``keeps_graphs`` is true for the format that writes the named graphs (N-Quads); the
    others write the union of the graphs.
    """

    name: str
    file_name: str
    media_type: str
    rdf_format: RdfFormat
    title: str
    keeps_graphs: bool = False


FORMATS: Mapping[str, OutputFormat] = MappingProxyType(
    {
        fmt.name: fmt
        for fmt in (
            OutputFormat("turtle", "secid.ttl", "text/turtle", RdfFormat.TURTLE, "Turtle"),
            OutputFormat(
                "ntriples", "secid.nt", "application/n-triples", RdfFormat.N_TRIPLES, "N-Triples"
            ),
            OutputFormat(
                "nquads", "secid.nq", "application/n-quads", RdfFormat.N_QUADS, "N-Quads", True
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


TripleKey = tuple[str, bool, str, str]
"""How a triple sorts, and its terms' text: subject (the IRI, or ``_:id``), whether the
predicate is not ``rdf:type``, predicate IRI, object in N-Triples syntax."""


class SortedTriples(Sequence[Triple]):
    """Distinct triples in Turtle order, each with the :data:`TripleKey` it was sorted by.

    The keys hold the terms' text, so a writer or a count reads strings instead of asking
    pyoxigraph for every term of every triple again.
    """

    __slots__ = ("keys", "triples")

    def __init__(self, keys: list[TripleKey], triples: list[Triple]) -> None:
        self.keys = keys
        self.triples = triples

    def __len__(self) -> int:
        """How many distinct triples."""
        return len(self.triples)

    def __iter__(self) -> Iterator[Triple]:
        """The triples in order (without the indexing :class:`Sequence` would go through)."""
        return iter(self.triples)

    @overload
    def __getitem__(self, index: int) -> Triple: ...
    @overload
    def __getitem__(self, index: slice) -> list[Triple]: ...
    def __getitem__(self, index: int | slice) -> Triple | list[Triple]:
        """A triple, or a list of them."""
        return self.triples[index]


def distinct_triples(quads: Iterable[Quad]) -> SortedTriples:
    """The triples of ``quads`` with graphs dropped, each once, sorted for Turtle.

    Order: subject, then ``rdf:type`` before other predicates, then predicate, then object.
    """
    rdf_type = RDF.type.value
    by_key: dict[TripleKey, Quad] = {}
    for quad in quads:
        # the key tells triples apart as well as ordering them, so duplicates are dropped
        # without building and hashing a Triple for every quad
        predicate = quad.predicate.value
        key = (_term_key(quad.subject), predicate != rdf_type, predicate, str(quad.object))
        if key not in by_key:
            by_key[key] = quad
    keys = sorted(by_key)
    return SortedTriples(keys, [by_key[key].triple for key in keys])


def sorted_lines(terms: Iterable[Quad] | Iterable[Triple], rdf_format: RdfFormat) -> bytes:
    """Quads or triples in a line-based format, each distinct line once, sorted bytewise.

    Lines keep their newline, so each line is copied once (the N-Quads of a large
    registry are hundreds of megabytes).
    """
    data = oxigraph_serialize(terms, format=rdf_format)
    assert data is not None  # pyoxigraph returns the bytes when given no output
    lines = data.splitlines(keepends=True)
    del data
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    unique = set(lines)
    del lines
    unique.discard(b"\n")
    return b"".join(sorted(unique))


_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
"""Local names written as ``prefix:local``: a safe subset of Turtle's ``PN_LOCAL``."""

_BARE_LITERALS = {
    XSD.integer.value: re.compile(r"[+-]?[0-9]+"),
    XSD.boolean.value: re.compile(r"true|false"),
}
"""Datatypes whose literals Turtle can write without quotes, and the lexical forms that may."""

_DOT_SEGMENT = re.compile(r"(?:^|/)\.{1,2}(?:/|$)")


class _TurtleTerms:
    """Writes RDF terms in Turtle: relative data IRIs, prefixed names, short literals."""

    def __init__(self, base: str | None, prefixes: Mapping[str, str]) -> None:
        self.base = base if base is not None and _is_plain_base(base) else None
        self.prefixes = prefixes
        self._cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """``<relative>``, ``prefix:local`` or ``<iri>`` (cached: IRIs repeat a lot)."""
        text = self._cache.get(iri)
        if text is None:
            text = self._iri(iri)
            self._cache[iri] = text
        return text

    def _iri(self, iri: str) -> str:
        if self.base is not None and iri.startswith(self.base):
            relative = iri[len(self.base) :]
            if _is_plain_relative(relative):
                return f"<{relative}>"
        curie = compact_iri(iri, self.prefixes)
        if curie is not None and _PN_LOCAL.fullmatch(curie.partition(":")[2]):
            return curie
        return f"<{iri}>"

    def term(self, term: object) -> str:
        """Any subject or object."""
        if isinstance(term, NamedNode):
            return self.iri(term.value)
        if isinstance(term, Literal) and term.language is None:
            datatype = term.datatype.value
            if datatype == XSD.string.value:
                return str(term)
            bare = _BARE_LITERALS.get(datatype)
            if bare is not None and bare.fullmatch(term.value):
                return term.value
            return f"{Literal(term.value)}^^{self.iri(datatype)}"
        return str(term)


def _is_plain_base(base: str) -> bool:
    """True when data IRIs may be written relative to ``base``.

    It must end with ``/`` and have no query, fragment or dot segment: relative resolution
    would otherwise change the IRI.
    """
    path = base.partition("://")[2]
    return base.endswith("/") and not any(c in base for c in "?#") and not _DOT_SEGMENT.search(path)


def _is_plain_relative(relative: str) -> bool:
    """True when ``<relative>`` resolves against a plain base to base + relative exactly."""
    if not relative or relative[0] in "/?#":
        return False
    path = re.split(r"[?#]", relative, maxsplit=1)[0]
    first = path.split("/", 1)[0]
    return ":" not in first and not _DOT_SEGMENT.search(path)


def turtle_header(base: str | None, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The ``@base`` and ``@prefix`` lines that open a Turtle dump."""
    terms = _TurtleTerms(base, prefixes)
    lines = [f"@base <{terms.base}> .\n"] if terms.base else []
    lines += [f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in sorted(prefixes.items())]
    return "".join(lines)


def turtle_blocks(
    triples: SortedTriples, base: str | None, prefixes: Mapping[str, str] = PREFIXES
) -> list[tuple[str, str]]:
    """One Turtle block per subject, in ``triples`` order, as (subject sort key, text).

    A block is a blank line, the subject, one object per line and the final `` .``; the
    header (:func:`turtle_header`) followed by the blocks in order is the whole document.
    Terms are written from the keys' text; only typed and language-tagged literals are
    read from the triple.
    """
    terms = _TurtleTerms(base, prefixes)
    blocks: list[tuple[str, str]] = []
    out: list[str] = []
    subject: str | None = None
    predicate: str | None = None
    for (subject_key, not_type, predicate_iri, object_text), triple in zip(
        triples.keys, triples.triples, strict=True
    ):
        if subject_key != subject:
            if subject is not None:
                out.append(" .\n")
                blocks.append((subject, "".join(out)))
                out = []
            subject, predicate = subject_key, None
            quoted = subject.startswith(("_:", "<<"))  # a blank node or an RDF-star triple
            subject_text = subject if quoted else terms.iri(subject)
            out.append(f"\n{subject_text}")
        if object_text[0] == "<" and object_text[1] != "<":  # an IRI
            object_term = terms.iri(object_text[1:-1])
        elif object_text[-1] == '"':  # a plain string: its N-Triples text
            object_term = object_text
        else:
            object_term = terms.term(triple.object)
        if predicate_iri != predicate:
            if predicate is not None:
                out.append(" ;")
            predicate = predicate_iri
            verb = terms.iri(predicate) if not_type else "a"
            out.append(f"\n\t{verb} {object_term}")
        else:
            out.append(f" ,\n\t\t{object_term}")
    if subject is not None:
        out.append(" .\n")
        blocks.append((subject, "".join(out)))
    return blocks


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

    >>> from pyoxigraph import Literal, NamedNode
    >>> q = Quad(NamedNode("https://ex.org/a"), RDF.type, NamedNode("https://ex.org/C"))
    >>> serialize([q, q], "ntriples")
    b'<https://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://ex.org/C> .\\n'
    """
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise UnsupportedFormatError(format_name, tuple(sorted(FORMATS)))
    if fmt.keeps_graphs:
        return sorted_lines(quads, fmt.rdf_format)
    if fmt.rdf_format == RdfFormat.N_TRIPLES:
        union = triples if triples is not None else [quad.triple for quad in quads]
        return sorted_lines(union, fmt.rdf_format)
    if triples is None:
        triples = distinct_triples(quads)
    if fmt.rdf_format == RdfFormat.TURTLE:
        body = "".join(text for _, text in turtle_blocks(triples, base))
        return (turtle_header(base) + body).encode("utf-8")
    compactor = Compactor(read_context()["@context"])
    return document_to_bytes(triples_to_document(triples, compactor))
