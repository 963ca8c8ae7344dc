"""Turtle: one block per subject in IRI order, one object per line.

``rdf:type`` comes first, then predicate and object order, so a change to one registry
field changes one line; prefixed names for vocabulary terms and ``<relative>`` data IRIs
under ``@base``. The layout is written here and each term is escaped by pyoxigraph:
pyoxigraph's own Turtle writer would write every ``https:`` IRI relative to an ``https:``
base (``<//www.cve.org/...>``) and escape each ``/`` of a prefixed name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import Literal, NamedNode

from secid_rdf.formats.context import compact_iri
from secid_rdf.formats.dump_format import GraphPart, Key, OutputFormat, Records, SortedTriples
from secid_rdf.formats.jsonld import Compactor
from secid_rdf.vocab import PREFIXES, XSD, prefixes_for

__all__ = ["Turtle", "part_blocks", "turtle_blocks", "turtle_header"]

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
        # a vocabulary term first: the ontology's namespace may lie under the data base
        curie = compact_iri(iri, self.prefixes)
        if curie is not None and _PN_LOCAL.fullmatch(curie.partition(":")[2]):
            return curie
        if self.base is not None and iri.startswith(self.base):
            relative = iri[len(self.base) :]
            if _is_plain_relative(relative):
                return f"<{relative}>"
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


def _prefixes(base: str | None, prefixes: Mapping[str, str] | None) -> Mapping[str, str]:
    """The prefixes given, or :data:`PREFIXES` with ``secid:`` bound to the data base."""
    if prefixes is not None:
        return prefixes
    return prefixes_for(base) if base is not None else PREFIXES


def turtle_header(base: str | None, prefixes: Mapping[str, str] | None = None) -> str:
    """The ``@base`` and ``@prefix`` lines that open a Turtle dump.

    ``secid:`` is the data base unless ``prefixes`` says otherwise, so ``secid:advisory``
    names the type and every SecID string is a compact IRI of its resource.
    """
    terms = _TurtleTerms(base, _prefixes(base, prefixes))
    lines = [f"@base <{terms.base}> .\n"] if terms.base else []
    lines += [f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in sorted(terms.prefixes.items())]
    return "".join(lines)


def turtle_blocks(
    triples: SortedTriples, base: str | None, prefixes: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """One Turtle block per subject, in ``triples`` order, as (subject sort key, text).

    A block is a blank line, the subject, one object per line and the final `` .``; the
    header (:func:`turtle_header`) followed by the blocks in order is the whole document.
    Terms are written from the keys' text; only typed and language-tagged literals are
    read from the triple.
    """
    terms = _TurtleTerms(base, _prefixes(base, prefixes))
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


def part_blocks(part: GraphPart) -> list[tuple[str, str]]:
    """The Turtle blocks of a part's subjects, made once: the dump and the pages share them."""
    if part.turtle_blocks is None:
        part.turtle_blocks = turtle_blocks(part.triples, part.base)
    return part.turtle_blocks


class Turtle(OutputFormat):
    """Turtle: the ``@base`` and ``@prefix`` lines, then a block per subject."""

    name = "turtle"
    file_name = "secid.ttl"
    media_type = "text/turtle"
    title = "Turtle"

    def header(self, base: str | None, compactor: Compactor) -> bytes:
        """The ``@base`` and ``@prefix`` lines."""
        return turtle_header(base).encode("utf-8")

    def records(self, part: GraphPart) -> Records:
        """A block per subject, keyed by the subject's IRI."""
        return [(key, text.encode("utf-8")) for key, text in part_blocks(part)]

    def key_prefix(self, iri: str, compactor: Compactor) -> Key:
        """A block's key is its subject's IRI."""
        return iri
