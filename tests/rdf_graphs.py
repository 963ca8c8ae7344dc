"""Parse export output with independent parsers and compare graphs as sets of triples.

The export has no blank nodes, so two graphs are the same exactly when their sets of
canonical N-Triples statements (as pyoxigraph prints them) are equal. JSON-LD documents
carry their context, so every parser reads them with its default settings.
"""

from __future__ import annotations

import json
from functools import cache

from pyld import jsonld
from pyoxigraph import RdfFormat, parse

from secid_rdf.formats.context import CONTEXT_IRI, read_context

__all__ = ["inline_context", "parse_graph", "pyld_graph", "rdflib_graph", "statements"]

SYNTAX = {
    "secid.ttl": RdfFormat.TURTLE,
    "secid.nt": RdfFormat.N_TRIPLES,
    "secid.nq": RdfFormat.N_QUADS,
    "secid.jsonld": RdfFormat.JSON_LD,
}


@cache
def _context() -> dict[str, object]:
    return dict(read_context()["@context"])


def inline_context(data: bytes, url: str = CONTEXT_IRI) -> bytes:
    """A JSON-LD document with its context URL replaced by the shipped context itself.

    For documents exported with ``--context-url``: pyoxigraph cannot be given a document
    loader, so this does the loader's job. Only a top-level ``"@context"`` naming ``url``
    is replaced (that is where the export writes it).
    """
    document = json.loads(data)
    if not isinstance(document, dict) or document.get("@context") != url:
        return data
    document["@context"] = _context()
    return json.dumps(document).encode("utf-8")


def statements(data: bytes, syntax: RdfFormat, *, base: str | None = None) -> set[str]:
    """The triples of a document as canonical N-Triples statements (graph names dropped)."""
    return {str(quad.triple) for quad in parse(data, format=syntax, base_iri=base)}


def parse_graph(data: bytes, file_name: str) -> set[str]:
    """The triples of one export dump, chosen by its file name."""
    return statements(data, SYNTAX[file_name])


def pyld_graph(data: bytes) -> set[str]:
    """The triples of a JSON-LD document as pyld reads it with its default settings."""
    nquads = jsonld.serialize_nquads(jsonld.to_rdf(json.loads(data)))
    return statements(nquads.encode("utf-8"), RdfFormat.N_QUADS)


def rdflib_graph(data: bytes, rdflib_format: str) -> set[str]:
    """The triples of a document as rdflib reads it with its default settings."""
    import rdflib

    graph = rdflib.Graph().parse(data=data, format=rdflib_format)
    return statements(graph.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES)


SUFFIX_SYNTAX = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".jsonld": RdfFormat.JSON_LD,
}


def parse_folder(files: dict[str, bytes]) -> int:
    """Parse every RDF file of an export (by its suffix) with pyoxigraph; how many there were.

    :param files: the export's files by their paths inside it.
    :raises SyntaxError: naming the first file that does not parse.
    """
    parsed = 0
    for name, data in files.items():
        syntax = SUFFIX_SYNTAX.get(name[name.rfind(".") :])
        if syntax is None:
            continue
        try:
            parse(data, format=syntax)
        except SyntaxError as error:
            raise SyntaxError(f"{name}: {error}") from error
        parsed += 1
    return parsed
