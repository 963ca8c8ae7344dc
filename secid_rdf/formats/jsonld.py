"""Compacted JSON-LD from triples, driven by our context, in a fixed order.

A general JSON-LD compactor (pyld) is slow on a registry-sized graph and its output order
is not ours to fix. The context secid-rdf generates uses only simple features (prefixes,
class terms, properties coerced to ``@id`` or one datatype), so compaction here is direct:
each value is written under the property's term when it fits the term's coercion, and
under the compact IRI of the property (which has no coercion) when it does not. The
result expands, with any JSON-LD 1.1 processor, to exactly the input triples.

Order: nodes by ``@id``; values of a key by their JSON text; keys sorted when written.

Documents carry the context inline unless the compactor is given the URL where the context
is published (:meth:`Compactor.document_context`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from secid_rdf.findings import SecidRdfError
from secid_rdf.formats.context import compact_iri, used_context
from secid_rdf.vocab import RDF, XSD

__all__ = [
    "Compactor",
    "NodeLayout",
    "Subjects",
    "document_to_bytes",
    "group_by_subject",
    "json_text",
    "triples_to_document",
]

_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
"""RFC 3986 gen-delims: a context entry whose IRI ends with one of these is a prefix."""

Term = NamedNode | BlankNode | Literal

_RDF_TYPE = RDF.type.value
_XSD_STRING = XSD.string.value

_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
"""orjson options giving the bytes of ``json.dumps(indent=2, sort_keys=True,
ensure_ascii=False)`` for JSON-LD data: same escapes (control characters as ``\\u00XX``,
U+2028/2029 and other non-ASCII raw), keys in code point order (UTF-8 byte order)."""


@dataclass(frozen=True)
class _TermDefinition:
    """A context term for a property: its name and its coercion (``@id``, a datatype IRI)."""

    name: str
    coercion: str | None


class Compactor:
    """Writes RDF terms as compacted JSON-LD values under one context.

    :param context: the context's term definitions (the value of its ``"@context"``).
    :param context_url: where the context is published, for documents to name it instead
        of carrying it; ``None`` puts the context itself in every document.

    >>> from secid_rdf.formats.context import read_context
    >>> c = Compactor(read_context()["@context"])
    >>> c.type_value("https://w3id.org/secid/ontology#Namespace")
    'Namespace'
    >>> c.entry(RDF.type, NamedNode("http://www.w3.org/2004/02/skos/core#Concept"))
    ('@type', 'skos:Concept')
    """

    def __init__(self, context: Mapping[str, Any], *, context_url: str | None = None) -> None:
        self.context = dict(context)
        self.context_url = context_url
        self._prefixes = {
            name: value
            for name, value in context.items()
            if isinstance(value, str) and value.endswith(_GEN_DELIMS) and not name.startswith("@")
        }
        self._names = frozenset(name for name in context if not name.startswith("@"))
        self._properties: dict[str, _TermDefinition] = {}
        self._classes: dict[str, str] = {}
        for name in sorted(self._names, key=lambda n: (len(n), n)):
            value = context[name]
            if isinstance(value, str):
                iri = self._expand(value)
                self._classes.setdefault(iri, name)
                self._properties.setdefault(iri, _TermDefinition(name, None))
            elif isinstance(value, Mapping) and isinstance(value.get("@id"), str):
                coercion = value.get("@type")
                self._properties.setdefault(
                    self._expand(value["@id"]),
                    _TermDefinition(
                        name,
                        coercion if coercion in (None, "@id") else self._expand(coercion),
                    ),
                )
        self._namespaces = tuple(self._prefixes.values())
        self._curies: dict[str, str] = {}

    def document_context(self, body: Mapping[str, Any] | None = None) -> str | dict[str, Any]:
        """The ``"@context"`` of a document: the published URL, or the context inline.

        :param body: the rest of the document, when it is known before it is written: the
            inline context then holds only the entries it uses
            (:func:`~secid_rdf.formats.context.used_context`).
        """
        if self.context_url is not None:
            return self.context_url
        return self.context if body is None else used_context(self.context, body)

    def _expand(self, value: str) -> str:
        """A context value (compact IRI or absolute IRI) as an absolute IRI."""
        prefix, colon, suffix = value.partition(":")
        if colon and prefix in self._prefixes and not suffix.startswith("//"):
            return self._prefixes[prefix] + suffix
        return value

    def _compact(self, iri: str) -> str:
        """``iri`` as a compact IRI when a prefix fits, else unchanged.

        Data IRIs compact under ``secid:`` to their SecID text (``secid:advisory/mitre.org``).
        Only IRIs under a prefix are cached: other IRIs (web pages) are mostly met once.
        """
        if not iri.startswith(self._namespaces):
            return iri
        text = self._curies.get(iri)
        if text is None:
            text = compact_iri(iri, self._prefixes) or iri
            self._curies[iri] = text
        return text

    def _is_ambiguous(self, text: str) -> bool:
        """True when an absolute IRI would be read as a compact IRI or term on expansion."""
        colon = text.find(":")
        return colon != -1 and text[:colon] in self._names and not text.startswith("//", colon + 1)

    def reference(self, iri: str) -> str | dict[str, Any]:
        """An IRI in ``@id`` position: a compact IRI, or the IRI itself.

        An IRI whose scheme happens to be a context name (``secid:advisory/x``) is written
        as a node reference whose embedded context switches that name off.
        """
        text = self._compact(iri)
        if text == iri and self._is_ambiguous(iri):
            return {"@context": {iri.partition(":")[0]: None}, "@id": iri}
        return text

    def type_value(self, iri: str) -> str | None:
        """A class IRI as an ``@type`` value, or ``None`` when it cannot be one safely."""
        term = self._classes.get(iri)
        if term is not None:
            return term
        text = self._compact(iri)
        return None if text == iri and self._is_ambiguous(iri) else text

    def subject(self, term: NamedNode | BlankNode) -> str:
        """The ``@id`` of a node object.

        :raises SecidRdfError: when the IRI's scheme is a context name (a ``--base`` such
            as ``secid:``), which JSON-LD would misread.
        """
        if isinstance(term, BlankNode):
            return f"_:{term.value}"
        value = self.reference(term.value)
        if not isinstance(value, str):
            raise SecidRdfError(
                f"cannot write {term.value!r} as a JSON-LD @id: its scheme is a name in the "
                "context; choose a base IRI with another scheme (e.g. https:)"
            )
        return value

    def _literal(self, literal: Literal) -> str | dict[str, Any]:
        """The literal under a key without coercion: a string, or a value object."""
        language = literal.language
        if language is not None:
            value: dict[str, Any] = {"@language": language, "@value": literal.value}
            if literal.direction is not None:
                value["@direction"] = literal.direction
            return value
        datatype = literal.datatype.value
        if datatype == _XSD_STRING:
            return literal.value
        datatype_text = self.type_value(datatype)
        if datatype_text is None:
            raise SecidRdfError(f"cannot write datatype {datatype!r} in compacted JSON-LD")
        return {"@type": datatype_text, "@value": literal.value}

    def _key(self, predicate_iri: str) -> str:
        """The key of a property's values that its term's coercion does not fit."""
        key = self._compact(predicate_iri)
        if key == predicate_iri and self._is_ambiguous(key):
            raise SecidRdfError(f"cannot write property {key!r} in compacted JSON-LD")
        return key

    def entry(self, predicate: NamedNode, obj: Term | Triple) -> tuple[str, str | dict[str, Any]]:
        """The key and compacted value that state ``predicate obj`` inside a node object.

        :raises SecidRdfError: for a value JSON-LD cannot state (an RDF-star triple, a
            property or datatype IRI it would misread).
        """
        predicate_iri = predicate.value
        definition = self._properties.get(predicate_iri)
        if isinstance(obj, Literal):
            if definition is not None:
                coercion = definition.coercion
                if coercion is None:
                    return definition.name, self._literal(obj)
                if obj.language is None and obj.datatype.value == coercion:
                    return definition.name, obj.value
            return self._key(predicate_iri), self._literal(obj)
        reference: str | dict[str, Any]
        if isinstance(obj, NamedNode):
            iri = obj.value
            if predicate_iri == _RDF_TYPE:
                type_text = self.type_value(iri)
                if type_text is not None:
                    return "@type", type_text
            reference = self.reference(iri)
        elif isinstance(obj, BlankNode):
            reference = f"_:{obj.value}"
        else:
            raise SecidRdfError("RDF-star triples cannot be written as JSON-LD")
        if definition is not None and definition.coercion == "@id":
            return definition.name, reference
        key = self._key(predicate_iri)
        return key, reference if isinstance(reference, dict) else {"@id": reference}

    def node(
        self,
        triples: Sequence[Triple],
        embedded: Mapping[str, dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A node object from the triples of one subject (at least one).

        :param embedded: node objects to put in place of the first reference (in written
            order) to their IRI, for framed documents; ``None`` for flat ones.
        """
        return self.layout(triples).build(embedded)

    def layout(self, triples: Sequence[Triple]) -> NodeLayout:
        """The compacted, ordered entries of one subject's triples (at least one).

        A layout builds the flat node object and any framed one without compacting again.
        """
        entry = self.entry
        values: dict[str, list[tuple[Any, Term | Triple]]] = {}
        for triple in triples:
            obj = triple.object
            key, value = entry(triple.predicate, obj)
            items = values.get(key)
            if items is None:
                values[key] = [(value, obj)]
            else:
                items.append((value, obj))
        subject = triples[0].subject
        if isinstance(subject, Triple):
            raise SecidRdfError("RDF-star triples cannot be written as JSON-LD")
        entries: list[tuple[str, list[tuple[Any, str | None]]]] = []
        for key in sorted(values):
            items = values[key]
            if len(items) > 1:
                by_text = {_sort_text(value): (value, obj) for value, obj in items}
                items = [by_text[text] for text in sorted(by_text)]
            entries.append(
                (
                    key,
                    [
                        (value, obj.value if isinstance(obj, NamedNode) else None)
                        for value, obj in items
                    ],
                )
            )
        return NodeLayout(self.subject(subject), entries)


class NodeLayout:
    """One subject's compacted entries: key, then values in written order with their IRIs."""

    __slots__ = ("entries", "id")

    def __init__(self, node_id: str, entries: list[tuple[str, list[tuple[Any, str | None]]]]):
        self.id = node_id
        self.entries = entries

    def build(self, embedded: Mapping[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """The node object; ``embedded`` node objects replace the first reference to their IRI."""
        node: dict[str, Any] = {"@id": self.id}
        pending = dict(embedded) if embedded else None
        for key, items in self.entries:
            if pending:
                values = [pending.pop(iri, value) if iri else value for value, iri in items]
            else:
                values = [value for value, _ in items]
            node[key] = values[0] if len(values) == 1 else values
        return node


def _sort_text(value: str | dict[str, Any]) -> bytes:
    """The JSON text that orders the values of one key (and tells equal values apart).

    Compact orjson bytes order values as the spaced ``json.dumps`` text does: two texts
    part at the same item, and UTF-8 bytes sort as code points.
    """
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


Subjects = dict[str, list[Triple]]
"""Triples grouped by subject: subject text (IRI, or ``_:id``) -> its triples, in order."""


def group_by_subject(triples: Iterable[Triple]) -> Subjects:
    """Group triples by subject (keyed by the IRI, or ``_:id`` for a blank node).

    :raises SecidRdfError: for an RDF-star triple (a triple as subject).
    """
    by_subject: Subjects = {}
    for triple in triples:
        subject = triple.subject
        if isinstance(subject, NamedNode):
            key = subject.value
        elif isinstance(subject, BlankNode):
            key = f"_:{subject.value}"
        else:
            raise SecidRdfError("RDF-star triples cannot be written as JSON-LD")
        by_subject.setdefault(key, []).append(triple)
    return by_subject


def triples_to_document(triples: Iterable[Triple], compactor: Compactor) -> dict[str, Any]:
    """A flat compacted document: ``{"@context": ..., "@graph": [nodes by @id]}``.

    The context is the compactor's whole context (or its URL), as the dump written part
    by part has it: its head is written before any node is known.
    """
    graph = [compactor.node(of_subject) for of_subject in group_by_subject(triples).values()]
    graph.sort(key=lambda node: node["@id"])
    return {"@context": compactor.document_context(), "@graph": graph}


def json_text(value: Any, depth: int = 0) -> str:
    """``value`` as canonical JSON text, ready to sit ``depth`` levels deep in a document.

    The text is what ``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``
    gives, with every line after the first indented by ``2 * depth`` more spaces, so that
    node objects written one at a time can be joined into an indented ``@graph`` array.
    orjson writes it in C; what orjson refuses goes to :func:`json.dumps`. No floats: the
    documents hold lexical forms as strings, and orjson writes some floats differently.

    >>> print(json_text({"b": [1], "a": "é"}, depth=1))
    {
        "a": "é",
        "b": [
          1
        ]
      }
    """
    try:
        text = orjson.dumps(value, option=_INDENTED).decode("utf-8")
    except TypeError:  # what orjson refuses (integers beyond 64 bits, non-string keys)
        text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    # JSON text has line breaks only between items (a newline in a string is escaped)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def document_to_bytes(document: Mapping[str, Any]) -> bytes:
    """The canonical JSON text of a document (:func:`json_text`), as UTF-8 bytes.

    The text is what ``json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)``
    gives, plus a final newline; orjson writes it in C, about ten times faster.

    >>> document_to_bytes({"b": [1, {"c": None}], "a": "é"}).decode()
    '{\\n  "a": "é",\\n  "b": [\\n    1,\\n    {\\n      "c": null\\n    }\\n  ]\\n}\\n'
    """
    try:
        return orjson.dumps(document, option=_INDENTED | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json_text(document) + "\n").encode("utf-8")
