"""Validate a registry graph against the shipped SHACL shapes and locate every result.

A SHACL engine checks the shapes with no inference: every class is written explicitly, so
the ontology stays out of the data graph. The default engine is pyshacl-turbo (a Rust
engine with pyshacl's API; the SHACL step for 1,300 namespaces takes about two seconds);
pyshacl, the reference engine, gives the same verdicts (the shape tests run both) and is one
``engine=`` away. :mod:`secid_rdf.validate.store_checks` adds what SHACL cannot say
portably (a Python regex that does not compile, a ``secid:`` term the ontology does not
declare).

Each result is mapped back to the registry file and line of its focus node, or of the exact
key when the converter recorded one for (focus node, path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import unquote

import pyoxigraph
import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse
from rdflib.term import BNode, Literal, Node, URIRef

from secid_rdf.findings import (
    Finding,
    InvalidSecidError,
    Location,
    Severity,
    ShapesError,
    shorten,
    sort_findings,
)
from secid_rdf.formats.context import compact_iri
from secid_rdf.iris import DEFAULT_BASE, iri_secid
from secid_rdf.model import Namespace, Registry
from secid_rdf.resources import shapes_dir
from secid_rdf.validate.store_checks import RULE_REGEX, Locator, iter_extra_findings, select
from secid_rdf.vocab import PREFIXES, RDF, VOCAB_NAMESPACE

__all__ = [
    "ENGINES",
    "SHAPES_NAMESPACE",
    "ShaclResult",
    "Validation",
    "format_term",
    "load_shapes",
    "registry_findings",
    "registry_locator",
    "results_to_findings",
    "run_shacl",
    "validate_registry",
    "validate_store",
]

SHAPES_NAMESPACE = "https://w3id.org/secid/shapes#"
"""Namespace of the shipped shapes; a result's rule id is its shape's ``secidsh:`` name."""

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

_SEVERITIES = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

_PREFIXES = {"secidsh": SHAPES_NAMESPACE, **PREFIXES}
"""Prefixes for terms in messages: the shapes' own, then every vocabulary the data uses."""

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_RESTATED_BY_VALIDATION = frozenset({"convert-regex", "convert-example"})
"""Converter finding rules that the graph checks restate (a pattern without an XPath form
is ``IdPattern-xpathMissing`` / ``Variable-xpath``, an example of another namespace
``Example-belongs``); reported once, by validation."""


@dataclass(frozen=True)
class ShaclResult:
    """One top-level ``sh:ValidationResult``, reduced to what reports and tests use.

    ``path`` is rendered with :func:`format_term` (``secido:status``,
    ``secido:secidType/skos:inScheme``, ``^secido:hasExample``); ``None`` for node shapes.
    ``path_iri`` is set when the path is a single predicate.
    """

    focus: Node
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
        try:  # Oxigraph's parser: rdflib's takes 0.1 s, a fifth of a pre-commit run
            triples = list(parse(path=file, format=RdfFormat.TURTLE))
        except (OSError, SyntaxError, ValueError) as error:
            raise ShapesError(f"cannot load shapes {file}: {error}") from error
        for triple in triples:
            graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    return graph


def _rdflib(term: object) -> Node:
    """An Oxigraph term of a shapes file as rdflib's (a plain string has no datatype).

    Blank node labels are Oxigraph's, unique to each parse, so files never share one.
    """
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language is not None:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise ShapesError(f"shapes cannot hold an RDF-star triple term ({term})")


def format_term(graph: rdflib.Graph, node: Node) -> str:
    """A short readable form of an IRI or a SHACL property path, with the usual prefixes.

    >>> from secid_rdf.vocab import SECID_NAMESPACE
    >>> format_term(rdflib.Graph(), rdflib.URIRef(SECID_NAMESPACE + "status"))
    'secido:status'
    """
    if isinstance(node, URIRef):
        text = str(node)
        curie = compact_iri(text, _PREFIXES)  # the longest namespace: secido: before secid:
        return curie if curie is not None and not curie.endswith(":") else f"<{text}>"
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


def _run_turbo(data: rdflib.Graph | Store, shapes: rdflib.Graph) -> rdflib.Graph:
    """pyshacl-turbo: reads an Oxigraph store directly, all constraints in Rust."""
    import pyshacl_turbo

    _, report, _ = pyshacl_turbo.validate(
        data, shacl_graph=shapes, inference="none", allow_infos=True
    )
    return cast(rdflib.Graph, report)  # unannotated; the report is a Graph unless serialised


def _run_pyshacl(data: rdflib.Graph | Store, shapes: rdflib.Graph) -> rdflib.Graph:
    """pyshacl, the reference engine, on its Oxigraph backend for stores."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph, OxigraphDataGraph

    class _StoreGraph(OxigraphDataGraph):
        """A store-backed data graph that is always true.

        pyshacl tests ``datagraph or shapes`` for every result; the default truth test
        counts the whole store each time (seconds per result on a real registry).
        """

        def __bool__(self) -> bool:
            return True

    data_graph = _StoreGraph(data) if isinstance(data, Store) else DataGraph.from_rdflib(data)
    validator = Validator(
        data_graph,
        shacl_graph=shapes,
        options={
            "inference": "none",
            "inplace": True,
            "allow_infos": True,
        },
    )
    _, report, _ = validator.run()
    return cast(rdflib.Graph, report)  # unannotated; the report is a Graph unless serialised


ENGINES: dict[str, Callable[[rdflib.Graph | Store, rdflib.Graph], rdflib.Graph]] = {
    "turbo": _run_turbo,
    "pyshacl": _run_pyshacl,
}
"""SHACL engine per ``--engine`` name; each returns the ``sh:ValidationReport`` graph."""


def run_shacl(
    data: rdflib.Graph | Store,
    shapes: rdflib.Graph,
    *,
    engine: str = "turbo",
) -> list[ShaclResult]:
    """Validate ``data`` (triples in the default graph) with no inference.

    :param engine: a key of :data:`ENGINES`.
    :returns: every top-level result (not the ``sh:detail`` of ``sh:or``), sorted so the
        order never depends on hashing.
    :raises ShapesError: when the engine cannot use the shapes, or reports a result without
        the focus node SHACL requires of every result.
    """
    try:
        report = ENGINES[engine](data, shapes)
    except (RuntimeError, ValueError) as error:  # the engines' "cannot validate" errors
        raise ShapesError(f"SHACL engine {engine} failed: {error}") from error
    results = []
    for node in report.objects(None, SH.result):
        focus_node = report.value(node, SH.focusNode)
        if focus_node is None:  # SHACL 3.6.2.1: every result has exactly one focus node
            raise ShapesError(f"SHACL engine {engine} gave a result without sh:focusNode")
        path_node = report.value(node, SH.resultPath)
        shape = report.value(node, SH.sourceShape)
        message = min((str(m) for m in report.objects(node, SH.resultMessage)), default="")
        results.append(
            ShaclResult(
                focus=focus_node,
                path=None if path_node is None else format_term(report, path_node),
                path_iri=str(path_node) if isinstance(path_node, URIRef) else None,
                value=report.value(node, SH.value),
                severity=_severity(report.value(node, SH.resultSeverity)),
                shape=format_term(report, shape) if shape is not None else "sh:shape",
                message=message,
            )
        )
    results.sort(key=lambda r: (str(r.focus), r.shape, r.path or "", str(r.value), r.message))
    return results


def _severity(level: Node | None) -> Severity:
    """The severity a result states; a violation when it states none of SHACL's three."""
    return _SEVERITIES.get(level, Severity.ERROR) if isinstance(level, URIRef) else Severity.ERROR


def _describe_value(value: Node | None, focus: Node, base: str) -> str | None:
    """The offending value as users wrote it, or ``None`` when it adds nothing.

    Data IRIs are shown as the SecID they were minted from, concepts by their local name.

    >>> _describe_value(URIRef(DEFAULT_BASE + "entity/usgov/hhs#x%23y"), None, DEFAULT_BASE)
    'secid:entity/usgov/hhs#x#y'
    """
    if value is None or value == focus:
        return None
    if isinstance(value, Literal):
        return repr(shorten(str(value)))
    if isinstance(value, URIRef):
        text = str(value)
        if text.startswith(VOCAB_NAMESPACE):  # a concept: <vocab>status/<value> ...
            return repr(shorten(unquote(text.rpartition("/")[2])))
        try:
            return iri_secid(base, text)
        except InvalidSecidError:
            return f"<{text}>"
    return None


def _owner_chain(iri: str) -> Iterator[str]:
    """The IRI, then each owner obtained by removing one trailing ``!step`` query item.

    >>> [iri[len(DEFAULT_BASE) :] for iri in _owner_chain(DEFAULT_BASE + "a/b?!node=1&!var=v#X")]
    ['a/b?!node=1&!var=v#X', 'a/b?!node=1#X', 'a/b#X']
    """
    yield iri
    head, hash_sign, fragment = iri.partition("#")
    while (cut := max(head.rfind("&!"), head.rfind("?!"))) >= 0:
        head = head[:cut]
        yield head + hash_sign + fragment


def results_to_findings(
    results: Iterable[ShaclResult],
    locate: Locator,
    identifiers: Mapping[str, str],
    *,
    base: str = DEFAULT_BASE,
) -> list[Finding]:
    """Turn SHACL results into findings.

    :param locate: where a (focus, path) pair came from; see :func:`registry_locator`.
    :param identifiers: subject IRI → its SecID (``dcterms:identifier``), shown in reports.
    :param base: the data base IRI, to show data IRIs as SecIDs.

    A result whose focus node has no location of its own (a pattern, a variable binding)
    is placed at its nearest owner's. The offending value is added to the message when the
    message does not already show it; a result nobody can locate names its focus node.
    """
    findings = []
    for result in results:
        focus = str(result.focus)
        location = None
        for owner in _owner_chain(focus):
            location = locate(owner, result.path_iri if owner == focus else None)
            if location is not None:
                break
        message = result.message or f"fails {result.shape}"
        shown = _describe_value(result.value, result.focus, base)
        if shown is not None and shown.strip("'<>") not in message:
            message = f"{message} (found {shown})"
        if location is None or location.line is None:
            where = focus if result.path is None else f"{focus} {result.path}"
            message = f"{message} [{where}]"
        secid = next((identifiers[o] for o in _owner_chain(focus) if o in identifiers), None)
        findings.append(Finding(location, result.severity, result.shape, message, secid=secid))
    return findings


def registry_locator(
    provenance: Mapping[str, Location], property_provenance: Mapping[tuple[str, str], Location]
) -> Locator:
    """A locator from the converter's provenance.

    It gives the key's line when the converter recorded one for (subject, predicate), else
    the subject's own line.
    """

    def locate(subject: str, predicate: str | None) -> Location | None:
        if predicate is not None:
            found = property_provenance.get((subject, predicate))
            if found is not None:
                return found
        return provenance.get(subject)

    return locate


def _identifiers(data: Store) -> dict[str, str]:
    """Subject IRI → SecID string, from ``dcterms:identifier``."""
    query = "SELECT ?s ?id WHERE { ?s <http://purl.org/dc/terms/identifier> ?id }"
    return {row["s"].value: row["id"].value for row in select(data, query)}


def validate_store(
    store: Store,
    locate: Locator,
    *,
    shapes: rdflib.Graph | None,
    engine: str,
    base: str,
    focus: Collection[str] | None = None,
) -> list[Finding]:
    """SHACL results and extra checks of one store, as located findings.

    An invalid regex is reported once, as an error: the warning that it has no XPath form
    (which follows from it) is left out for that pattern.

    :param focus: IRIs of the only nodes whose results to report (the others are there to
        be linked to). The engines' own focus-node option is not used: pyshacl checks a
        focus node against every shape, not only those that target it, and pyshacl-turbo
        takes a third longer with it than validating every node.
    """
    shapes = shapes if shapes is not None else load_shapes()
    results = run_shacl(store, shapes, engine=engine)
    if focus is not None:
        results = [result for result in results if str(result.focus) in focus]
    extra = list(iter_extra_findings(store, locate))
    invalid_regex_at = {finding.location for finding in extra if finding.rule == RULE_REGEX}
    findings = results_to_findings(results, locate, _identifiers(store), base=base)
    findings = [
        finding
        for finding in findings
        if not (finding.severity is Severity.WARNING and finding.location in invalid_regex_at)
    ]
    return findings + extra


def validate_registry(
    path: Path,
    *,
    base: str = DEFAULT_BASE,
    engine: str = "turbo",
    shapes: rdflib.Graph | None = None,
    only: Collection[str] | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
) -> Validation:
    """Read, convert and validate a registry; every finding points at a registry file.

    Reader and converter findings are included (a file that does not parse is a violation
    with its own line), except converter notes the graph checks restate; so are the checks
    of each file on its own (:mod:`secid_rdf.validate.file_checks`, run as it is read, and
    :mod:`secid_rdf.validate.examples`) and of each Markdown twin against its JSON file
    (:mod:`secid_rdf.validate.twin_checks`).

    :param engine: a key of :data:`ENGINES`.
    :param shapes: shapes to use instead of the shipped ones.
    :param only: registry-relative paths: check only these files, and report the same
        findings a full run gives for them; the rest of the registry is known from an index
        (:mod:`secid_rdf.validate.incremental`).
    :param use_cache: with ``only``, keep that index in the user's cache folder.
    :param jobs: processes that read and validate a full run (default: one per core), part
        by part (:mod:`secid_rdf.validate.parts`).
    :raises RegistryNotFoundError: when ``path`` is not a folder.
    :raises ShapesError: when the shapes cannot be loaded or used.
    """
    if only is not None:
        from secid_rdf.validate.incremental import validate_files

        return validate_files(
            path, only, base=base, engine=engine, shapes=shapes, use_cache=use_cache
        )
    from secid_rdf.export.partition import parse_in
    from secid_rdf.export.workers import Workers
    from secid_rdf.read.registry import read_registry
    from secid_rdf.validate.file_checks import check_file
    from secid_rdf.validate.parts import part_findings

    with Workers(jobs) as workers:  # files are read and checked in parallel, as export does
        parse = parse_in(workers, check=check_file)
        registry = read_registry(path, parse=parse, content_digest=False)
    if workers.count == 1:  # no second process to share the groups with: one pass
        findings = registry_findings(registry, base=base, engine=engine, shapes=shapes)
    else:
        findings = part_findings(
            registry, base=base, engine=engine, shapes=shapes, jobs=workers.count
        )
    return Validation(tuple(sort_findings(findings)))


def registry_findings(
    registry: Registry,
    *,
    base: str,
    engine: str,
    shapes: rdflib.Graph | None,
    known: Mapping[str, Collection[str]] | None = None,
) -> list[Finding]:
    """Every finding of a registry read with the file checks, without repeats.

    :param known: the classes of things outside ``registry`` (IRI → class IRIs) that its
        links may name; with them, only the results on the nodes converted from
        ``registry`` are reported, and the graph holds, of the rest, the classes of the IRIs
        it names.
    """
    from secid_rdf.convert.builder import registry_to_graph
    from secid_rdf.validate.examples import example_findings
    from secid_rdf.validate.twin_checks import twin_findings

    conversion = registry_to_graph(registry, base=base, ordered=False)
    store = Store()
    store.bulk_extend(Quad(q.subject, q.predicate, _shortened(q.object)) for q in conversion.quads)
    focus = None
    if known is not None:
        focus = {q.subject.value for q in conversion.quads if isinstance(q.subject, NamedNode)}
        store.bulk_extend(_known_quads(conversion.quads, known))
    locate = registry_locator(conversion.provenance, conversion.property_provenance)
    findings = [
        *registry.findings,
        *(finding for pair in registry.twins for finding in twin_findings(*pair)),
        *example_findings(_as_read(registry)),
        *(f for f in conversion.findings if f.rule not in _RESTATED_BY_VALIDATION),
        *validate_store(store, locate, shapes=shapes, engine=engine, base=base, focus=focus),
    ]
    return list(dict.fromkeys(findings))


def _known_quads(quads: Iterable[Quad], known: Mapping[str, Collection[str]]) -> Iterator[Quad]:
    """``rdf:type`` triples of the known IRIs that ``quads`` name.

    A link to an entry may carry ``;ref=...``, which the shapes cut off before looking the
    entry up: the IRI without it counts as named too. Only these go into the graph, so the
    shapes' look-ups stay as fast as for the checked files alone.
    """
    named = {q.object.value for q in quads if isinstance(q.object, NamedNode)}
    named |= {iri.rpartition(";ref=")[0] for iri in named if _REF.search(iri)}
    rdf_type = NamedNode(RDF.iri("type"))
    for iri in sorted(named & known.keys()):
        for kind in sorted(known[iri]):
            yield Quad(NamedNode(iri), rdf_type, NamedNode(kind))


_REF = re.compile(r";ref=[^;]*$")
"""What the shapes cut from a link before looking its entry up."""


LONG_VALUE = 10_000
"""Longest value the shapes see whole; a longer one is cut to this many characters.

The SHACL engine hands its report back as N-Triples text that is parsed again, in time
that grows with the square of a long term's length (400,000 characters in a status: 43 s).
A value that long is never a status, a name or a URL anyone uses, and what the shapes ask
of one (is it in the status scheme, does it start like an http(s) URL) is decided by its
start; the longest value of the real registries (prose) is 42,733 characters.
"""


_Object = NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple


def _shortened(term: _Object) -> _Object:
    """``term``, or the first :data:`LONG_VALUE` characters of a longer IRI or string."""
    if isinstance(term, pyoxigraph.Literal) and len(term.value) > LONG_VALUE:
        if term.language is not None:
            return pyoxigraph.Literal(term.value[:LONG_VALUE], language=term.language)
        if term.datatype.value == XSD_STRING:
            return pyoxigraph.Literal(term.value[:LONG_VALUE])
    elif isinstance(term, NamedNode) and len(term.value) > LONG_VALUE:
        cut = term.value[:LONG_VALUE]
        return NamedNode(cut[: cut.rfind("%")] if "%" in cut[-2:] else cut)
    return term


def _as_read(registry: Registry) -> list[Namespace]:
    """Every namespace as its own file gives it: a twin's JSON and Markdown records apart."""
    alone = [ns for ns in registry.namespaces if ns.format != "json+markdown"]
    return alone + [record for pair in registry.twins for record in pair]
