"""Validate a registry graph against the shipped SHACL shapes and locate every result.

pyshacl checks the shapes (no inference: every class is written explicitly, so the ontology
stays out of the data graph); :func:`iter_extra_findings` adds what SHACL cannot say
portably (a Python regex that does not compile, a ``secid:`` term the ontology does not
declare). Each SHACL result is mapped back to the registry file and line of its focus node,
or of the exact key when the converter recorded one for (focus node, path).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyoxigraph import Store
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from secid_rdf.findings import Finding, Location, Severity, ShapesError
from secid_rdf.resources import shapes_dir
from secid_rdf.vocab import DCTERMS, SECID, SECID_CLASSES, SECID_NAMESPACE

__all__ = [
    "SHAPES_NAMESPACE",
    "ShaclResult",
    "Validation",
    "format_term",
    "iter_extra_findings",
    "load_shapes",
    "results_to_findings",
    "run_shacl",
]

SHAPES_NAMESPACE = "https://w3id.org/secid/shapes#"
"""Namespace of the shipped shapes; a result's rule id is its shape's ``secidsh:`` name."""

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

_SEVERITIES = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

_PREFIXES = {
    "secidsh": SHAPES_NAMESPACE,
    "secid": SECID_NAMESPACE,
    "sh": str(SH),
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_REGEX_PREDICATES = (SECID.regex.value, SECID.extractPattern.value)
_OPEN_CONCEPT_PREFIXES = ("status-", "urlkind-", "tag-")


@dataclass(frozen=True)
class ShaclResult:
    """One ``sh:ValidationResult``, reduced to what reports and tests compare.

    ``path`` is rendered with :func:`format_term` (``secid:status``,
    ``secid:secidType/skos:inScheme``, ``^secid:hasExample``); ``None`` for node shapes.
    """

    focus: Identifier
    path: str | None
    path_iri: str | None
    value: Node | None
    severity: Severity
    shape: str
    message: str


@dataclass(frozen=True)
class Validation:
    """The outcome of a validation run: every finding, sorted by file and line."""

    findings: tuple[Finding, ...]

    def count(self, severity: Severity) -> int:
        """How many findings have exactly this severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)


def load_shapes(paths: Sequence[Path] | None = None) -> rdflib.Graph:
    """Parse the shapes files (default: every ``*.ttl`` shipped in ``shapes/``) into one graph.

    :raises ShapesError: when no file is found or one does not parse.

    >>> shapes = load_shapes()
    >>> (rdflib.URIRef(SHAPES_NAMESPACE + "NamespaceShape"), None, None) in shapes
    True
    """
    files = sorted(shapes_dir().glob("*.ttl")) if paths is None else list(paths)
    if not files:
        raise ShapesError(f"no SHACL shapes (*.ttl) found in {shapes_dir()}")
    graph = rdflib.Graph()
    for file in files:
        try:
            graph.parse(file, format="turtle")
        except (OSError, SyntaxError, ValueError) as error:
            raise ShapesError(f"cannot load shapes {file}: {error}") from error
    return graph


def format_term(graph: rdflib.Graph, node: Node) -> str:
    """A short readable form of an IRI or a SHACL property path, with the usual prefixes.

    >>> g = rdflib.Graph()
    >>> format_term(g, rdflib.URIRef(SECID_NAMESPACE + "status"))
    'secid:status'
    """
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _PREFIXES.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + format_term(graph, inverse)
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            items = rdflib.collection.Collection(graph, alternatives)
            return "|".join(format_term(graph, item) for item in items)
        if graph.value(node, rdflib.RDF.first) is not None:
            items = rdflib.collection.Collection(graph, node)
            return "/".join(format_term(graph, item) for item in items)
        return "_:" + str(node)
    return str(node)


def run_shacl(data: rdflib.Graph | Store, shapes: rdflib.Graph) -> list[ShaclResult]:
    """Validate ``data`` with pyshacl: no inference, the data graph used in place.

    :param data: an rdflib graph, or a pyoxigraph store whose named graphs are validated
        as their union (shapes cross graphs: a namespace's operator lives in another type's
        graph).
    :returns: every result, sorted so the order never depends on hashing.
    """
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    if isinstance(data, Store):
        data_graph = DataGraph.from_oxigraph_store(data)
        data_graph.default_union = True
    else:
        data_graph = DataGraph.from_rdflib(data)
    validator = Validator(
        data_graph,
        shacl_graph=shapes,
        options={"inference": "none", "inplace": True, "allow_infos": True},
    )
    _, report, _ = validator.run()
    results = []
    for node in report.objects(None, SH.result):  # top-level results, not sh:detail
        path_node = report.value(node, SH.resultPath)
        shape = report.value(node, SH.sourceShape)
        message = min((str(m) for m in report.objects(node, SH.resultMessage)), default="")
        results.append(
            ShaclResult(
                focus=report.value(node, SH.focusNode),
                path=None if path_node is None else format_term(report, path_node),
                path_iri=str(path_node) if isinstance(path_node, URIRef) else None,
                value=report.value(node, SH.value),
                severity=_SEVERITIES.get(report.value(node, SH.resultSeverity), Severity.ERROR),
                shape=format_term(report, shape) if shape is not None else "sh:shape",
                message=message,
            )
        )
    results.sort(key=lambda r: (str(r.focus), r.shape, r.path or "", str(r.value), r.message))
    return results


def _describe_value(value: Node | None, focus: Node) -> str | None:
    """The offending value as users wrote it, or ``None`` when it adds nothing."""
    if value is None or value == focus:
        return None
    if isinstance(value, Literal):
        return repr(str(value))
    if isinstance(value, URIRef):
        text = str(value)
        return text[len(SECID_NAMESPACE) :] if text.startswith(SECID_NAMESPACE) else f"<{text}>"
    return None


def _owner_chain(iri: str) -> Iterator[str]:
    """The IRI, then each owner obtained by removing one trailing ``;key=value`` step."""
    yield iri
    while ";" in iri:
        iri = iri.rsplit(";", 1)[0]
        yield iri


def results_to_findings(
    results: Iterable[ShaclResult],
    provenance: Mapping[object, Location],
    identifiers: Mapping[str, str],
) -> list[Finding]:
    """Turn SHACL results into findings located in the registry.

    :param provenance: subject IRI → location, and (subject IRI, predicate IRI) → location
        of the key that gave that triple (IRIs as plain strings).
    :param identifiers: subject IRI → its SecID (``dcterms:identifier``), for the report.

    A result about a property uses the key's own line when it was recorded, else the focus
    node's; nodes without a location of their own (a variable binding, a pattern) use their
    nearest owner's.
    """
    findings = []
    for result in results:
        focus = str(result.focus)
        location = None
        if result.path_iri is not None:
            location = provenance.get((focus, result.path_iri))
        owner = focus
        for owner in _owner_chain(focus):
            if location is not None:
                break
            location = provenance.get(owner)
        message = result.message or f"fails {result.shape}"
        shown = _describe_value(result.value, result.focus)
        if shown is not None and shown.strip("'<>") not in message:
            message = f"{message} (found {shown})"
        secid = next((identifiers[o] for o in _owner_chain(focus) if o in identifiers), None)
        if location is None:
            message = f"{message} [{focus}]"
        findings.append(
            Finding(location, result.severity, result.shape, message, secid=secid)
        )
    return findings


def iter_extra_findings(
    data: rdflib.Graph, provenance: Mapping[object, Location]
) -> Iterator[Finding]:
    """Checks SHACL cannot express portably, as findings located like SHACL results.

    - every ``secid:regex`` and ``secid:extractPattern`` compiles with Python ``re``, the
      dialect the registry is written in (a SHACL engine only has its own regex engine);
    - every ``secid:`` class and property used is declared by the ontology (a misspelt
      term would otherwise pass every shape unnoticed). Concepts of the open schemes
      (``status-``, ``urlkind-``, ``tag-``) are judged by the shapes instead.
    """
    for predicate in _REGEX_PREDICATES:
        for subject, pattern in data.subject_objects(URIRef(predicate)):
            try:
                re.compile(str(pattern))
            except (re.error, RecursionError, OverflowError) as error:
                location = provenance.get((str(subject), predicate)) or provenance.get(str(subject))
                yield Finding(
                    location,
                    Severity.ERROR,
                    "secidsh:regex-compiles",
                    f"{str(pattern)!r} is not a valid regular expression: {error}",
                )
    declared = {SECID.iri(name) for name in SECID}
    classes = {SECID.iri(name) for name in SECID_CLASSES}
    used: dict[str, str] = {}
    for subject, predicate, obj in data:
        if str(predicate).startswith(SECID_NAMESPACE) and str(predicate) not in declared:
            used.setdefault(str(predicate), str(subject))
        if predicate == rdflib.RDF.type and str(obj).startswith(SECID_NAMESPACE):
            if str(obj) not in classes:
                used.setdefault(str(obj), str(subject))
    for term, subject in sorted(used.items()):
        local = term[len(SECID_NAMESPACE) :]
        if local.startswith(_OPEN_CONCEPT_PREFIXES):
            continue
        yield Finding(
            provenance.get(subject),
            Severity.ERROR,
            "secidsh:declared-term",
            f"secid:{local} is not a term of the SecID ontology (used on <{subject}>)",
        )


def identifiers_of(data: rdflib.Graph) -> dict[str, str]:
    """Subject IRI → SecID string, from ``dcterms:identifier``."""
    return {
        str(s): str(o)
        for s, o in data.subject_objects(URIRef(DCTERMS.identifier.value))
        if isinstance(s, URIRef)
    }
