"""The JSON-LD context: generated from the ontology, shipped in the package, never fetched.

Documents carry the context inline, so that any JSON-LD processor reads them offline with
its default settings; a page carries only the entries it uses (:func:`used_context`). An
export may instead name the context by a published URL such as :data:`CONTEXT_IRI`; the
same text ships as ``secid_rdf/data/context.jsonld`` and :func:`document_loader` serves it
to JSON-LD processors (pyld) so that nothing is ever loaded from the network.

The context holds every prefix of :data:`secid_rdf.vocab.PREFIXES` (``secid`` is the data
base, so a SecID string is the compact IRI of its resource; ``secido`` is the ontology), the
aliases ``id`` and ``type`` of ``@id`` and ``@type``, and one term per class and property
declared in the ontology: classes as plain strings, object properties coerced to
``@id``, datatype properties with one XSD range (other than ``xsd:string``) coerced to that
datatype. Regenerate the shipped file after changing the ontology with
``python -m secid_rdf.formats.context``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, parse

from secid_rdf.findings import SecidRdfError
from secid_rdf.resources import context_path, ontology_path
from secid_rdf.vocab import DATA_PREFIX, OWL, PREFIXES, RDF, RDFS, SECID_NAMESPACE, XSD

__all__ = [
    "CONTEXT_IRI",
    "compact_iri",
    "context_for",
    "context_to_text",
    "document_loader",
    "mentions",
    "ontology_to_context",
    "read_context",
    "used_context",
    "with_base",
]

CONTEXT_IRI = "https://w3id.org/secid/context.jsonld"
"""The stable IRI by which every JSON-LD document secid-rdf writes names its context."""

_UNCOERCED_RANGES = frozenset({XSD.string.value, RDF.langString.value, RDFS.Literal.value})
"""Ranges that carry no type coercion: plain and language-tagged strings."""

_ALIASES = {"id": "@id", "type": "@type"}
"""Readable aliases of the keywords, for documents written by hand: ``{"id": "secid:..."}``."""

_CLASS_TYPES = frozenset({OWL.Class.value, RDFS.Class.value})
_PROPERTY_TYPES = frozenset(
    {
        OWL.ObjectProperty.value,
        OWL.DatatypeProperty.value,
        OWL.AnnotationProperty.value,
        RDF.Property.value,
    }
)


def _local_name(iri: str) -> str | None:
    """The term name for an ontology IRI, or ``None`` when it is not a usable JSON-LD term."""
    if not iri.startswith(SECID_NAMESPACE):
        return None
    name = iri[len(SECID_NAMESPACE) :]
    if not name or ":" in name or name.startswith("@") or name in PREFIXES or name in _ALIASES:
        return None
    return name


def compact_iri(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """``iri`` as a compact IRI ``prefix:suffix`` with the longest matching namespace.

    Ties go to the alphabetically first prefix. ``None`` when no prefix fits, or when the
    suffix starts with ``//`` (JSON-LD would then read the result as an absolute IRI).

    >>> compact_iri("http://purl.org/dc/terms/title", PREFIXES)
    'dcterms:title'
    >>> compact_iri("https://example.org/x", PREFIXES) is None
    True
    """
    best: tuple[int, str] | None = None
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and (
            best is None or (-len(namespace), prefix) < (-best[0], best[1])
        ):
            best = (len(namespace), prefix)
    if best is None or iri[best[0] :].startswith("//"):
        return None
    return f"{best[1]}:{iri[best[0] :]}"


def _coercion(types: set[str], ranges: set[str]) -> str | None:
    """``@id``, a datatype CURIE, or ``None`` for a property with these types and ranges."""
    if OWL.ObjectProperty.value in types:
        return "@id"
    if len(ranges) != 1:
        return None
    (range_iri,) = ranges
    if range_iri in _UNCOERCED_RANGES:
        return None
    if (
        OWL.DatatypeProperty.value in types
        or range_iri.startswith(PREFIXES["xsd"])
        or range_iri == RDF.JSON.value
    ):
        return compact_iri(range_iri, PREFIXES) or range_iri
    return "@id"


def ontology_to_context(ontology: Path | None = None) -> dict[str, Any]:
    """Build the JSON-LD context document from the ontology's declarations.

    :param ontology: a Turtle ontology; the shipped ``ontology/secid.ttl`` by default.
    :returns: ``{"@context": {...}}``, ready for :func:`context_to_text`.

    >>> ctx = ontology_to_context()["@context"]
    >>> ctx["secid"], ctx["secido"]
    ('https://w3id.org/secid/', 'https://w3id.org/secid/ontology#')
    >>> ctx["Namespace"]
    'secido:Namespace'
    >>> ctx["hasSource"]
    {'@id': 'secido:hasSource', '@type': '@id'}
    >>> ctx["id"], ctx["type"]
    ('@id', '@type')
    """
    path = ontology if ontology is not None else ontology_path()
    types: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for quad in parse(path=path, format=RdfFormat.TURTLE):
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        if not isinstance(subject, NamedNode) or not isinstance(obj, NamedNode):
            continue
        if predicate == RDF.type:
            types.setdefault(subject.value, set()).add(obj.value)
        elif predicate == RDFS.range:
            ranges.setdefault(subject.value, set()).add(obj.value)
    classes = {iri for iri, kinds in types.items() if kinds & _CLASS_TYPES}
    terms: dict[str, Any] = {**PREFIXES, **_ALIASES}
    for iri in sorted(types):
        name = _local_name(iri)
        if name is None:
            continue
        curie = "secido:" + name
        if iri in classes:
            terms[name] = curie
        elif types[iri] & _PROPERTY_TYPES:
            coercion = _coercion(types[iri], ranges.get(iri, set()))
            terms[name] = curie if coercion is None else {"@id": curie, "@type": coercion}
    return {"@context": terms}


def context_to_text(context: Mapping[str, Any]) -> str:
    """The canonical text of a context document (sorted keys, two-space indent, final newline).

    >>> context_to_text({"@context": {"b": "x:", "a": "y:"}})
    '{\\n  "@context": {\\n    "a": "y:",\\n    "b": "x:"\\n  }\\n}\\n'
    """
    return json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_context() -> dict[str, Any]:
    """The context document that ships in the package (``secid_rdf/data/context.jsonld``).

    >>> read_context()["@context"]["dcterms"]
    'http://purl.org/dc/terms/'
    """
    document: dict[str, Any] = json.loads(context_path().read_text(encoding="utf-8"))
    return document


def with_base(base: str) -> dict[str, Any]:
    """The shipped context's terms with ``secid`` bound to the data base ``base``.

    An export with ``--base`` writes, inlines and compacts with this context, so that a
    SecID string stays the compact IRI of its resource.

    >>> with_base("https://example.org/id/")["secid"]
    'https://example.org/id/'
    """
    return {**read_context()["@context"], DATA_PREFIX: base}


def mentions(value: Any) -> set[str]:
    """Every key and string in a JSON value, and the part of each before its first ``:``."""
    mentioned: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            mentioned.add(item)
        elif isinstance(item, Mapping):
            mentioned.update(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return mentioned | {text.partition(":")[0] for text in mentioned}


def used_context(context: Mapping[str, Any], document: Any) -> dict[str, Any]:
    """The entries of ``context`` that ``document`` may need: a smaller context, same triples.

    An entry stays when the document mentions its name (as a key, a string, or the prefix
    of a compact IRI such as ``dcterms:title``), when a kept entry's definition mentions
    it, or when it is a keyword (``@vocab``). JSON-LD reads a name only where the document
    writes it, so an entry never mentioned cannot change what the document expands to.
    Inlined in each page, this keeps pages small (a page uses a few dozen of the terms).

    >>> context = {"dcterms": "http://purl.org/dc/terms/", "title": {"@id": "dcterms:title"},
    ...            "xsd": "http://www.w3.org/2001/XMLSchema#", "Source": "secido:Source"}
    >>> sorted(used_context(context, {"@id": "x", "title": "A"}))
    ['dcterms', 'title']
    """
    return context_for(context, mentions(document))


def context_for(context: Mapping[str, Any], mentioned: Iterable[str]) -> dict[str, Any]:
    """The entries of ``context`` that a document whose :func:`mentions` are ``mentioned`` uses.

    A page made of nodes whose mentions are known already (each node is on two pages)
    gets its context from their union without walking the document again.
    """
    pending = [name for name in mentioned if name in context]
    pending += [name for name in context if name.startswith("@")]
    kept: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in kept:
            kept[name] = context[name]
            pending += [used for used in mentions(kept[name]) if used in context]
    return kept


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves our context from the package and nothing else.

    Pass it as ``{"documentLoader": document_loader}`` to ``pyld.jsonld`` calls to expand
    secid-rdf documents offline.

    :raises SecidRdfError: for any other URL (nothing is fetched from the network).

    >>> document_loader(CONTEXT_IRI)["documentUrl"]
    'https://w3id.org/secid/context.jsonld'
    """
    del options
    if url != CONTEXT_IRI:
        raise SecidRdfError(f"refusing to load {url!r}: only {CONTEXT_IRI} is served, offline")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": read_context(),
    }


if __name__ == "__main__":
    context_path().write_text(context_to_text(ontology_to_context()), encoding="utf-8")
    sys.stderr.write(f"wrote {context_path()}\n")
