"""Validate RDF files (an export, or other data using the SecID ontology) with the shapes.

The files' quads go into one store, named graphs merged, and are checked as a registry's
graph is (:func:`secid_rdf.validate.shacl.validate_store`); with no registry behind them,
findings name the file that describes the focus node, without a line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from secid_rdf.findings import Location, ShapesError, sort_findings
from secid_rdf.iris import DEFAULT_BASE
from secid_rdf.validate.shacl import Validation, validate_store

__all__ = ["validate_data"]


def _read_rdf(file: Path) -> list[Quad]:
    """The quads of an RDF file, its format told by the extension.

    A JSON-LD document that names the secid-rdf context by its IRI gets the copy shipped in
    the package, so nothing is fetched.

    :raises ShapesError: when the format is unknown or the file does not parse.
    """
    from secid_rdf.formats.context import CONTEXT_IRI, read_context

    rdf_format = RdfFormat.from_extension(file.suffix.lstrip("."))
    if rdf_format is None:
        raise ShapesError(f"cannot tell the RDF format of {file} from its extension")
    try:
        data = file.read_bytes()
        if rdf_format == RdfFormat.JSON_LD:
            document = json.loads(data)
            if isinstance(document, dict) and document.get("@context") == CONTEXT_IRI:
                document["@context"] = read_context()["@context"]
                data = json.dumps(document).encode("utf-8")
        return list(parse(data, format=rdf_format, base_iri=file.resolve().as_uri()))
    except (OSError, SyntaxError, ValueError) as error:
        raise ShapesError(f"cannot read RDF data {file}: {error}") from error


def validate_data(
    files: Sequence[Path], *, engine: str = "turbo", shapes: rdflib.Graph | None = None
) -> Validation:
    """Validate RDF files (an export, or other data using the SecID ontology) as one graph.

    Named graphs are merged: shapes follow links across them. Findings name the file
    that describes the focus node (first file wins) and the node itself; RDF files keep no
    line numbers once parsed.

    :raises ShapesError: when a file cannot be parsed as RDF, or the shapes are unusable.
    """
    store = Store()
    origin: dict[str, Location] = {}
    for file in files:
        quads = _read_rdf(file)
        for quad in quads:
            if isinstance(quad.subject, NamedNode):
                origin.setdefault(quad.subject.value, Location(file.as_posix()))
        store.bulk_extend(Quad(q.subject, q.predicate, q.object) for q in quads)

    def locate(subject: str, _predicate: str | None) -> Location | None:
        return origin.get(subject)

    findings = validate_store(store, locate, shapes=shapes, engine=engine, base=DEFAULT_BASE)
    return Validation(tuple(sort_findings(findings)))
