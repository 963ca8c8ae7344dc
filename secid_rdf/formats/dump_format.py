"""What every dump format is: a header, sorted records, a footer.

A :class:`OutputFormat` turns a :class:`GraphPart` (some quads, with what several formats
derive from them computed once) into its records, sorted by a key: lines for N-Triples
and N-Quads, one block per subject for Turtle, one node object per subject for JSON-LD.
A whole graph is the one-part case (:func:`secid_rdf.formats.serialize.serialize`); an
export appends the records of many parts, in key order, between one header and one footer.

The keys of the records of different subjects compare as their subjects' IRIs do, except
where one IRI extends another; :func:`distinct_triples` sorts triples so.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import overload

from pyoxigraph import NamedNode, Quad, Triple

from secid_rdf.formats.context import with_base
from secid_rdf.formats.jsonld import Compactor, NodeLayout, group_by_subject
from secid_rdf.vocab import DEFAULT_BASE, RDF

__all__ = [
    "GraphPart",
    "Key",
    "OutputFormat",
    "Records",
    "Run",
    "SortedTriples",
    "TripleKey",
    "distinct_triples",
    "to_run",
]

Key = str
Records = list[tuple[Key, bytes]]
"""Sorted ``(key, text)`` pairs of one format; joined in order they are the dump body."""


@dataclass(frozen=True)
class Run:
    """The records of one part in one format, joined: their text and first and last keys."""

    data: bytes
    first: Key
    last: Key


def to_run(records: Records, separator: bytes = b"") -> Run | None:
    """The records joined into one run, or ``None`` when there are none."""
    if not records:
        return None
    return Run(separator.join(text for _, text in records), records[0][0], records[-1][0])


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


class GraphPart:
    """Some quads to write, and what the formats derive from them, each made once.

    :param base: the data base IRI (Turtle writes data IRIs relative to it).
    :param compactor: the JSON-LD compactor (its caches serve every part of a process).
    :param triples: ``distinct_triples(quads)``, when the caller has it already.
    """

    def __init__(
        self,
        quads: Sequence[Quad],
        *,
        base: str | None = None,
        compactor: Compactor | None = None,
        triples: SortedTriples | None = None,
    ) -> None:
        self.quads = quads
        self.base = base
        self._compactor = compactor
        if triples is not None:
            self.triples = triples
        self.runs: dict[str, Run | None] = {}
        """Runs made so far, by format name: one format may derive its run from another's."""
        self.turtle_blocks: list[tuple[str, str]] | None = None
        """Each subject's Turtle block once made (:func:`secid_rdf.formats.turtle.part_blocks`)."""

    @cached_property
    def triples(self) -> SortedTriples:
        """The distinct triples, sorted (graphs dropped)."""
        return distinct_triples(self.quads)

    @cached_property
    def compactor(self) -> Compactor:
        """The JSON-LD compactor given, or one for the shipped context."""
        return self._compactor or Compactor(with_base(self.base or DEFAULT_BASE))

    @cached_property
    def by_subject(self) -> dict[str, list[Triple]]:
        """The triples grouped by subject, in order."""
        return group_by_subject(self.triples)

    @cached_property
    def layouts(self) -> dict[str, NodeLayout]:
        """Each subject's JSON-LD layout (compacted once for the dump and the pages)."""
        compactor = self.compactor
        return {subject: compactor.layout(triples) for subject, triples in self.by_subject.items()}


class OutputFormat(ABC):
    """One output format: its file and media type, and how it writes a part.

    ``keeps_graphs`` is true for the format that writes the named graphs (N-Quads); the
    others write the union of the graphs.
    """

    name: str
    file_name: str
    media_type: str
    title: str
    keeps_graphs: bool = False
    separator: bytes = b""
    """What goes between two records."""

    def header(self, base: str | None, compactor: Compactor) -> bytes:
        """What opens the document (data IRIs under ``base``; JSON-LD by ``compactor``)."""
        return b""

    def footer(self, *, empty: bool) -> bytes:
        """What closes the document; ``empty`` when it holds no record."""
        return b""

    @abstractmethod
    def records(self, part: GraphPart) -> Records:
        """The part's records, sorted by key."""

    def run(self, part: GraphPart) -> Run | None:
        """The part's records joined, or ``None`` when there are none."""
        return to_run(self.records(part), self.separator)

    @abstractmethod
    def key_prefix(self, iri: str, compactor: Compactor) -> Key:
        """What the key of each record about a subject whose IRI starts with ``iri`` starts with."""

    def document(self, part: GraphPart) -> bytes:
        """A whole document of one part: header, records, footer."""
        run = self.run(part)
        body = b"" if run is None else run.data
        return self.header(part.base, part.compactor) + body + self.footer(empty=run is None)
