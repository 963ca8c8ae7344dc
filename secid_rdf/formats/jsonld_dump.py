"""JSON-LD: a flat document compacted with the shipped context, nodes sorted by ``@id``.

Each node object is a record keyed by its ``@id``; keys are sorted, and the values of one
key by their JSON text (:mod:`secid_rdf.formats.jsonld`). The document carries its
context inline, or names it by the URL where it is published.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from secid_rdf.formats.dump_format import GraphPart, Key, OutputFormat, Records
from secid_rdf.formats.jsonld import Compactor, json_text

__all__ = ["JsonLd"]

_INDENT = b"\n    "
"""What comes before each node object of the ``@graph`` array."""


class JsonLd(OutputFormat):
    """JSON-LD: ``{"@context": ..., "@graph": [`` nodes ``]}``."""

    name = "jsonld"
    file_name = "secid.jsonld"
    media_type = "application/ld+json"
    title = "JSON-LD"
    separator = b","

    def header(self, base: str | None, compactor: Compactor) -> bytes:
        """The context (inline, or its URL) and the opening of the ``@graph`` array.

        The whole context: the header is written before any node is known.
        """
        context = json_text(compactor.document_context(), 1)
        return f'{{\n  "@context": {context},\n  "@graph": ['.encode()

    def footer(self, *, empty: bool) -> bytes:
        """The end of the array and of the document."""
        return b"]\n}\n" if empty else b"\n  ]\n}\n"

    def records(self, part: GraphPart) -> Records:
        """A node object per subject, keyed by its ``@id``."""
        nodes = sorted((layout.build() for layout in part.layouts.values()), key=_node_id)
        return [(node["@id"], _INDENT + json_text(node, 2).encode("utf-8")) for node in nodes]

    def key_prefix(self, iri: str, compactor: Compactor) -> Key:
        """A node's key is its compacted ``@id``."""
        return compactor.subject(NamedNode(iri + "x"))[:-1]


def _node_id(node: dict[str, object]) -> str:
    return str(node["@id"])
