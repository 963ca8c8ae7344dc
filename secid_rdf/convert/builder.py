"""Registry model → RDF quads, with the registry location of every subject.

One pass over the model writes pyoxigraph quads, each in the named graph of its SecID type
(:func:`~secid_rdf.iris.graph_iri`). Every IRI comes from :mod:`secid_rdf.iris`, every term
from :mod:`secid_rdf.vocab`; no blank nodes. Values that cannot be written faithfully (a URL
that is not an absolute IRI, a SecID reference that is not a SecID) become findings instead
of broken triples; a regex without an XPath form keeps its original text and gets a finding.
The ontology itself is not copied into the data.
"""

from __future__ import annotations

import datetime
import heapq
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol
from urllib.parse import quote, urlsplit

from pyoxigraph import Literal, NamedNode, Quad

from secid_rdf.convert.regex import UntranslatableRegexError, XPathRegex, python_to_xpath
from secid_rdf.findings import Finding, InvalidIriError, InvalidSecidError, Location, Severity
from secid_rdf.iris import (
    DEFAULT_BASE,
    absolute_iri,
    binding_iri,
    check_base,
    commit_iri,
    example_iri,
    extra_iri,
    graph_iri,
    known_value_iri,
    match_iri,
    namespace_iri,
    node_iri,
    pattern_iri,
    secid_to_iri,
    source_iri,
    status_iri,
    tag_iri,
    template_iri,
    type_iri,
    url_iri,
    url_kind_iri,
    variable_iri,
    version_iri,
)
from secid_rdf.model import (
    Example,
    Extra,
    IdPattern,
    MatchNode,
    Namespace,
    Registry,
    SecidType,
    Source,
    Url,
    Variable,
    Version,
)
from secid_rdf.vocab import DCTERMS, FOAF, PROV, RDF, RDFS, SECID, SKOS, XSD

__all__ = [
    "RULE_DUPLICATE",
    "RULE_INVALID_IRI",
    "RULE_INVALID_REFERENCE",
    "RULE_UNTRANSLATABLE_REGEX",
    "Conversion",
    "ConvertedPart",
    "convert_part",
    "convert_types",
    "known_namespaces",
    "registry_to_graph",
]

RULE_INVALID_IRI = "convert-iri"
"""A URL that is not an absolute IRI; the link is left out."""

RULE_INVALID_REFERENCE = "convert-reference"
"""An operator, cross reference or ``deprecated_by`` that is neither a SecID nor an IRI."""

RULE_UNTRANSLATABLE_REGEX = "convert-regex"
"""A pattern with no XPath form; the original is kept, the XPath form is left out."""

RULE_DUPLICATE = "convert-duplicate"
"""Two namespaces, or two sources of one namespace, claim the same SecID."""

_WIKIDATA_ITEM = re.compile(r"Q[1-9][0-9]*")
_YEAR_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Conversion:
    """The graph of a registry, and where each part of it came from.

    ``quads`` are sorted (N-Quads order of their text) and free of duplicates.
    ``provenance`` maps each subject IRI to the registry location it was read from;
    ``property_provenance`` maps ``(subject IRI, predicate IRI)`` to the location of the
    key that gave that property, where the reader recorded it (see
    :attr:`secid_rdf.model.Namespace.field_locations`). ``findings`` are the values left
    out or only partly written.
    """

    quads: tuple[Quad, ...]
    provenance: Mapping[str, Location]
    property_provenance: Mapping[tuple[str, str], Location]
    findings: tuple[Finding, ...]


class _Described(Protocol):
    """What namespaces and match nodes share: names, texts, status, links, patterns."""

    @property
    def official_name(self) -> str | None: ...
    @property
    def common_name(self) -> str | None: ...
    @property
    def alternate_names(self) -> tuple[str, ...]: ...
    @property
    def description(self) -> str | None: ...
    @property
    def notes(self) -> tuple[str, ...]: ...
    @property
    def prose(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def field_locations(self) -> tuple[tuple[str, Location], ...]: ...


def registry_to_graph(registry: Registry, *, base: str = DEFAULT_BASE) -> Conversion:
    """Convert a registry into quads, one named graph per SecID type.

    :param registry: what the reader returned.
    :param base: the base of data IRIs (``--base``); an absolute IRI ending in ``/`` or ``#``.
    :returns: the quads, their provenance and the conversion findings.
    :raises InvalidIriError: when ``base`` cannot prefix IRIs.

    >>> from pathlib import Path
    >>> from secid_rdf.model import Namespace, Registry
    >>> ns = Namespace(type="entity", namespace="aisi", files=("entity/aisi.md",),
    ...                format="markdown", official_name="AI Safety Institutes",
    ...                location=Location("entity/aisi.md", 1))
    >>> result = registry_to_graph(Registry(root=Path("."), types=(), namespaces=(ns,)))
    >>> [str(q.object) for q in result.quads if q.predicate == DCTERMS.identifier]
    ['"secid:entity/aisi"']
    >>> result.provenance["https://w3id.org/secid/id/entity/aisi"]
    Location(file='entity/aisi.md', line=1, field=None)
    """
    builder = _Builder(check_base(base), known_namespaces(registry), registry.commit)
    builder.types(registry.types, registry.namespaces)
    builder.close_chunk()
    for namespace in registry.namespaces:
        builder.namespace(namespace)
        builder.close_chunk()
    builder.quads = builder.concepts
    builder.close_chunk()
    return builder.result()


@dataclass(frozen=True)
class ConvertedPart:
    """Part of a registry converted on its own (see :func:`convert_part`).

    ``quads`` are the quads about the part's own subjects, free of duplicates, in no
    particular order; ``concepts`` the open-vocabulary concepts (URL kinds, tags) they use,
    which other parts may declare too.
    """

    quads: list[Quad]
    concepts: list[Quad]
    findings: list[Finding]


def known_namespaces(registry: Registry) -> frozenset[tuple[str, str]]:
    """The ``(type, namespace)`` pairs of a registry, against which SecIDs are parsed."""
    return frozenset((ns.type, ns.namespace) for ns in registry.namespaces)


def convert_types(registry: Registry, *, base: str = DEFAULT_BASE) -> ConvertedPart:
    """Convert the registry's SecID type resources alone (the part of no namespace)."""
    builder = _Builder(check_base(base), known_namespaces(registry), registry.commit)
    builder.types(registry.types, registry.namespaces)
    return builder.part()


def convert_part(
    namespaces: Iterable[Namespace],
    *,
    known: frozenset[tuple[str, str]],
    commit: str | None = None,
    base: str = DEFAULT_BASE,
) -> ConvertedPart:
    """Convert some namespaces of a registry on their own.

    An export converts a large registry part by part, so that only one part's quads are in
    memory at a time; the union of all parts and :func:`convert_types` is
    :func:`registry_to_graph`. Namespaces that could claim the same IRI must be in the same
    part for the duplicate to be reported.

    :param known: ``known_namespaces(registry)``: SecID references are parsed against it.
    :param commit: the registry's commit, for provenance.
    """
    builder = _Builder(check_base(base), known, commit)
    for namespace in namespaces:
        builder.namespace(namespace)
    return builder.part()


class _Builder:
    """Collects quads, provenance and findings while walking the model once."""

    def __init__(self, base: str, known: frozenset[tuple[str, str]], commit: str | None) -> None:
        self.base = base
        self.known = known
        self.commit = commit_iri(commit) if commit else None
        self.quads: list[Quad] = []
        self.concepts: list[Quad] = []
        self.chunks: list[list[tuple[str, Quad]]] = []
        self.provenance: dict[str, Location] = {}
        self.property_provenance: dict[tuple[str, str], Location] = {}
        self.findings: list[Finding] = []
        self.graph = graph_iri("")  # set to the type's graph before any quad is added
        self.declared: set[tuple[NamedNode, NamedNode]] = set()
        self.translations: dict[str, XPathRegex | UntranslatableRegexError] = {}

    def close_chunk(self) -> None:
        """Sort and deduplicate the quads of one namespace (or of the types) on their own.

        Each quad's N-Quads text is computed once and kept as its sort key for the merge;
        chunks never share a quad (their subjects differ, concepts are declared once).
        """
        keyed = sorted({str(quad): quad for quad in self.quads}.items())
        self.chunks.append(keyed)
        self.quads = []

    def part(self) -> ConvertedPart:
        """What was collected, unsorted: for a part of an export."""
        return ConvertedPart(list(dict.fromkeys(self.quads)), self.concepts, self.findings)

    def result(self) -> Conversion:
        """Merge the sorted chunks and freeze what was collected."""
        return Conversion(
            quads=tuple(quad for _, quad in heapq.merge(*self.chunks)),
            provenance=MappingProxyType(self.provenance),
            property_provenance=MappingProxyType(self.property_provenance),
            findings=tuple(self.findings),
        )

    # -- small writers ---------------------------------------------------------------

    def add(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        """One triple in the current type's graph."""
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def text(self, subject: NamedNode, predicate: NamedNode, value: str | None) -> None:
        """A plain string literal, when the value is there."""
        if value is not None:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def texts(self, subject: NamedNode, predicate: NamedNode, values: Iterable[str]) -> None:
        """One string literal per value."""
        for value in values:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def locate(self, subject: NamedNode, location: Location) -> None:
        """Remember where a subject came from (the first place wins)."""
        self.provenance.setdefault(subject.value, location)

    def locate_fields(
        self, subject: NamedNode, item: _Described, fields: Mapping[str, NamedNode]
    ) -> None:
        """Remember the key location of each property filled from a located model field."""
        for field, location in item.field_locations:
            predicate = fields.get(field)
            if predicate is not None:
                self.property_provenance.setdefault((subject.value, predicate.value), location)

    def entry(
        self,
        owner: NamedNode,
        link: NamedNode,
        subject: NamedNode,
        cls: NamedNode,
        location: Location,
    ) -> None:
        """A resource an owner points at: the link, its class and where it came from."""
        self.locate(subject, location)
        self.add(owner, link, subject)
        self.add(subject, RDF.type, cls)

    def report(self, location: Location, severity: Severity, rule: str, message: str) -> None:
        """Record a finding about a value that was not (fully) written."""
        self.findings.append(Finding(location, severity, rule, message))

    def iri(self, value: str, location: Location, what: str) -> NamedNode | None:
        """A registry URL as an IRI, or ``None`` and a finding.

        A URL that only needs some characters percent-encoded (``[`` as ``%5B``) is a
        warning; anything else (no scheme, prose) is an error.
        """
        try:
            return absolute_iri(value)
        except InvalidIriError as error:
            fixed = quote(value, safe=_IRI_SAFE)
            if fixed != value and _is_absolute_iri(fixed):
                severity, advice = Severity.WARNING, f"percent-encode it: {fixed}"
            else:
                severity, advice = Severity.ERROR, "write a full URL such as https://example.org/"
            self.report(
                location,
                severity,
                RULE_INVALID_IRI,
                f"{what} {value!r} is not an absolute IRI ({error.reason}); {advice}",
            )
            return None

    def declare(
        self, concept: NamedNode, scheme: NamedNode, notation: str, label: str, where: Location
    ) -> None:
        """Declare an open-vocabulary concept once per graph."""
        if (self.graph, concept) in self.declared:
            return
        self.declared.add((self.graph, concept))
        self.locate(concept, where)
        for predicate, obj in (
            (RDF.type, SKOS.Concept),
            (SKOS.inScheme, scheme),
            (SKOS.notation, Literal(notation)),
            (SKOS.prefLabel, Literal(label)),
        ):
            self.concepts.append(Quad(concept, predicate, obj, self.graph))

    # -- types and namespaces --------------------------------------------------------

    def types(self, declared: Iterable[SecidType], namespaces: Iterable[Namespace]) -> None:
        """A resource per SecID type: the described ones, and any type a namespace uses."""
        by_name = {item.name: item for item in declared}
        first_use: dict[str, Location] = {}
        for namespace in namespaces:
            first_use.setdefault(namespace.type, namespace.location)
        for name in sorted(by_name.keys() | first_use.keys()):
            self.graph = graph_iri(name)
            subject = type_iri(self.base, name)
            item = by_name.get(name)
            location = item.location if item and item.location else first_use.get(name)
            if location is not None:
                self.locate(subject, location)
            self.add(subject, RDF.type, SECID.SecidType)
            self.add(subject, RDF.type, SKOS.Concept)
            self.add(subject, SKOS.inScheme, SECID.TypeScheme)
            self.add(subject, SKOS.notation, Literal(name))
            label = Literal(item.official_name if item and item.official_name else name)
            self.add(subject, SKOS.prefLabel, label)
            self.add(subject, RDFS.label, label)
            if item is not None:
                self.text(subject, DCTERMS.description, item.description)
                self.text(subject, SECID.prose, item.prose)
                if item.location is not None:
                    self.add(subject, SECID.sourceFile, Literal(item.location.file))
                self.extras(subject, item.extras)

    def namespace(self, ns: Namespace) -> None:
        """A namespace with everything it holds."""
        self.graph = graph_iri(ns.type)
        subject = namespace_iri(self.base, ns.type, ns.namespace)
        if subject.value in self.provenance:
            self.report(
                ns.location,
                Severity.ERROR,
                RULE_DUPLICATE,
                f"namespace {ns.secid} is also defined in "
                f"{self.provenance[subject.value].file}; keep one definition",
            )
            return
        self.locate(subject, ns.location)
        self.locate_fields(subject, ns, _NAMESPACE_FIELDS)
        self.add(subject, RDF.type, SECID.Namespace)
        self.add(subject, DCTERMS.identifier, Literal(ns.secid))
        self.add(subject, SECID.secidType, type_iri(self.base, ns.type))
        self.described(subject, ns)
        self.text(subject, SECID.statusNote, ns.status_notes)
        if ns.operator is not None:
            self.reference(subject, SECID.operator, ns.operator, ns.location, "operator")
        self.links(subject, ns.urls)
        for item in ns.wikidata:
            target = (
                NamedNode(f"http://www.wikidata.org/entity/{item}")
                if _WIKIDATA_ITEM.fullmatch(item)
                else self.iri(item, ns.location, "wikidata item")
            )
            if target is not None:
                self.add(subject, SECID.wikidata, target)
        for page in ns.wikipedia:
            article = self.iri(page, ns.location, "wikipedia article")
            if article is not None:
                self.add(subject, SECID.wikipedia, article)
        for key, value in ns.tags:
            self.tag(subject, key, value, ns.location)
        if ns.established is not None:
            self.add(subject, SECID.established, _year_literal(ns.established))
        self.texts(subject, SECID.sourceFile, ns.files)
        if self.commit is not None:
            self.add(subject, PROV.wasDerivedFrom, self.commit)
        self.patterns(subject, SECID.hasIdPattern, ns.id_patterns, pattern_iri)
        for index, example in enumerate(ns.examples):
            value = example.value
            identifier = value if example.is_secid else f"{ns.secid}/{value}"
            self.example(subject, example_iri(subject, index), example, identifier)
        self.extras(subject, ns.extras)
        names: set[str] = set()
        for index, source in enumerate(ns.sources):
            self.source(subject, ns, source, index, names)

    def described(self, subject: NamedNode, item: _Described) -> None:
        """Names, texts and status: shared by namespaces and match nodes."""
        if item.official_name is not None:
            self.add(subject, RDFS.label, Literal(item.official_name))
            self.add(subject, SKOS.prefLabel, Literal(item.official_name))
        self.text(subject, SKOS.altLabel, item.common_name)
        self.texts(subject, SKOS.altLabel, item.alternate_names)
        self.text(subject, DCTERMS.description, item.description)
        self.texts(subject, SKOS.note, item.notes)
        self.text(subject, SECID.prose, item.prose)
        if item.status is not None:
            self.add(subject, SECID.status, status_iri(item.status))

    def tag(self, subject: NamedNode, key: str, value: str, where: Location) -> None:
        """A tag as a concept; a country tag is also the namespace's spatial coverage."""
        concept = tag_iri(key, value)
        self.declare(concept, SECID.TagScheme, value, f"{key}: {value}", where)
        self.add(subject, SECID.tag, concept)
        if key == "country":
            self.add(subject, DCTERMS.spatial, concept)

    def reference(
        self, subject: NamedNode, predicate: NamedNode, text: str, location: Location, what: str
    ) -> None:
        """A SecID reference (or a plain IRI) as a link, whether or not the target exists."""
        try:
            target = secid_to_iri(self.base, text, self.known)
        except InvalidSecidError:
            try:
                target = absolute_iri(text)
            except InvalidIriError:
                self.report(
                    location,
                    Severity.ERROR,
                    RULE_INVALID_REFERENCE,
                    f"{what} {text!r} is neither a SecID nor an IRI; "
                    "write a SecID such as secid:entity/mitre.org",
                )
                return
        self.add(subject, predicate, target)

    # -- sources and match nodes -----------------------------------------------------

    def source(
        self, ns_subject: NamedNode, ns: Namespace, source: Source, index: int, names: set[str]
    ) -> None:
        """A name-level entry: by its literal name when it has one, else by position."""
        if source.name is not None and source.name in names:
            self.report(
                source.location,
                Severity.WARNING,
                RULE_DUPLICATE,
                f"source name {source.name!r} appears twice in {ns.secid}; "
                "the second is kept under its position",
            )
        if source.name is None or source.name in names:
            subject = node_iri(ns_subject, index)
        else:
            names.add(source.name)
            subject = source_iri(ns_subject, source.name)
        self.add(ns_subject, SECID.hasSource, subject)
        self.add(subject, SECID.namespace, ns_subject)
        self.add(subject, RDF.type, SECID.Source)
        self.text(subject, SECID.name, source.name)
        self.node(subject, source, 0)

    def node(self, subject: NamedNode, node: MatchNode, depth: int) -> None:
        """Everything a match node (or source) holds, then its children."""
        self.locate(subject, node.location)
        self.locate_fields(subject, node, _NODE_FIELDS)
        if node.secid is not None:
            self.add(subject, DCTERMS.identifier, Literal(node.secid))
        self.add(subject, SECID.depth, Literal(depth))
        if node.weight is not None:
            self.add(subject, SECID.weight, Literal(node.weight))
        self.described(subject, node)
        self.text(subject, SECID.longDescription, node.long_description)
        self.patterns(subject, SECID.matchPattern, node.patterns, match_iri)
        self.patterns(subject, SECID.hasIdPattern, node.id_patterns, pattern_iri)
        templates = self.links(subject, node.urls)
        if node.url_template is not None:
            self.resolution_url(subject, node.url_template)
        for variable in node.variables:
            self.variable(subject, variable)
        for index, example in enumerate(node.examples):
            identifier = example.value if example.is_secid else None
            urls = _example_urls(node.secid, example, templates)
            self.example(subject, example_iri(subject, index), example, identifier, urls)
        self.versions(subject, node)
        if node.version_required is not None:
            self.add(subject, SECID.versionRequired, Literal(node.version_required))
        self.text(subject, SECID.unversionedBehavior, node.unversioned_behavior)
        if node.deprecated_by is not None:
            self.reference(
                subject, DCTERMS.isReplacedBy, node.deprecated_by, node.location, "deprecated_by"
            )
        if node.deprecated_date is not None:
            self.add(subject, SECID.deprecatedDate, _date_literal(node.deprecated_date))
        for target in node.cross_references:
            self.reference(subject, SECID.crossReference, target, node.location, "cross reference")
        for value, description in node.known_values:
            known = known_value_iri(subject, value)
            self.entry(subject, SECID.hasKnownValue, known, SECID.KnownValue, node.location)
            self.add(known, RDF.value, Literal(value))
            self.add(known, DCTERMS.description, Literal(description))
        self.extras(subject, node.extras)
        for index, child in enumerate(node.children):
            child_subject = node_iri(subject, index)
            self.add(subject, SECID.hasChild, child_subject)
            self.add(child_subject, SECID.parent, subject)
            self.add(child_subject, RDF.type, SECID.MatchNode)
            self.node(child_subject, child, depth + 1)

    # -- links, templates, variables -------------------------------------------------

    def links(self, owner: NamedNode, urls: tuple[Url, ...]) -> tuple[Url, ...]:
        """URL links and URL templates of an owner; returns the templates written."""
        templates = []
        for index, url in enumerate(urls):
            subject = url_iri(owner, index)
            if url.is_template:
                self.template(owner, subject, url)
                templates.append(url)
                continue
            target = self.iri(url.value, url.location, f"urls.{url.kind}")
            if target is None:
                continue
            self.entry(owner, SECID.hasLink, subject, SECID.UrlLink, url.location)
            self.kind(subject, url)
            self.add(subject, SECID.target, target)
            self.url_details(subject, url)
            if url.kind == "website":
                self.add(owner, FOAF.homepage, target)
        return tuple(templates)

    def kind(self, subject: NamedNode, url: Url) -> None:
        """The link kind, declared as a concept of the open URL kind scheme."""
        concept = url_kind_iri(url.kind)
        self.declare(concept, SECID.UrlKindScheme, url.kind, url.kind, url.location)
        self.add(subject, SECID.linkKind, concept)

    def url_details(self, subject: NamedNode, url: Url) -> None:
        """Note, content type and kept keys of a link or template."""
        self.text(subject, RDFS.comment, url.note)
        self.text(subject, SECID.contentType, url.content_type)
        self.extras(subject, url.extras)

    def template(
        self, owner: NamedNode, subject: NamedNode, url: Url, target: NamedNode | None = None
    ) -> None:
        """A resolution URL: a template literal with its placeholders, or a fixed IRI.

        The template is a literal, never an IRI; a JSON ``data.url`` with no placeholder
        gives a fixed ``target`` IRI instead.
        """
        self.entry(owner, SECID.hasUrlTemplate, subject, SECID.UrlTemplate, url.location)
        self.kind(subject, url)
        if target is None:
            self.add(subject, SECID.template, Literal(url.value))
            self.texts(subject, SECID.placeholder, url.placeholders)
        else:
            self.add(subject, SECID.target, target)
        self.url_details(subject, url)

    def resolution_url(self, owner: NamedNode, url: Url) -> None:
        """JSON ``data.url``: the node's resolution URL, a template or a fixed IRI."""
        subject = template_iri(owner)
        if url.is_template:
            self.template(owner, subject, url)
            return
        target = self.iri(url.value, url.location, "data.url")
        if target is not None:
            self.template(owner, subject, url, target)

    def variable(self, node: NamedNode, variable: Variable) -> None:
        """A declared template variable, with its extract regex in both forms."""
        subject = variable_iri(node, variable.name)
        self.entry(node, SECID.hasVariable, subject, SECID.Variable, variable.location)
        self.add(subject, SECID.variableName, Literal(variable.name))
        if variable.extract is not None:
            self.add(subject, SECID.extractPattern, Literal(variable.extract))
            xpath = self.translate(variable.extract, variable.location)
            if xpath is not None:
                self.add(subject, SECID.extractXPath, Literal(xpath.pattern))
                self.add(subject, SECID.regexFlags, Literal(xpath.flags))
        self.text(subject, SECID.valueFormat, variable.format)
        self.text(subject, DCTERMS.description, variable.description)
        self.extras(subject, variable.extras)

    # -- patterns, examples, versions, extras ----------------------------------------

    def translate(self, regex: str, location: Location) -> XPathRegex | None:
        """The XPath form of a registry regex (cached), or ``None`` and a finding."""
        translation = self.translations.get(regex)
        if translation is None:
            try:
                translation = python_to_xpath(regex)
            except UntranslatableRegexError as error:
                translation = error
            self.translations[regex] = translation
        if isinstance(translation, UntranslatableRegexError):
            self.report(location, Severity.WARNING, RULE_UNTRANSLATABLE_REGEX, str(translation))
            return None
        return translation

    def patterns(
        self,
        owner: NamedNode,
        predicate: NamedNode,
        patterns: tuple[IdPattern, ...],
        mint: _Minter,
    ) -> None:
        """Id patterns (next position) or match patterns (own position) of an owner."""
        for index, pattern in enumerate(patterns):
            subject = mint(owner, index)
            self.entry(owner, predicate, subject, SECID.IdPattern, pattern.location)
            self.add(subject, SECID.regex, Literal(pattern.regex))
            xpath = self.translate(pattern.regex, pattern.location)
            if xpath is not None:
                self.add(subject, SECID.xpathRegex, Literal(xpath.pattern))
                self.add(subject, SECID.regexFlags, Literal(xpath.flags))
            self.text(subject, SECID.patternKind, pattern.kind)
            self.text(subject, DCTERMS.description, pattern.description)
            self.extras(subject, pattern.extras)

    def example(
        self,
        owner: NamedNode,
        subject: NamedNode,
        example: Example,
        identifier: str | None,
        derived_urls: tuple[str, ...] = (),
    ) -> None:
        """An example as written, its SecID when known, and the URLs it resolves to."""
        self.entry(owner, SECID.hasExample, subject, SECID.Example, example.location)
        self.add(subject, SECID.exampleValue, Literal(example.value))
        self.text(subject, DCTERMS.identifier, identifier)
        if example.url is not None:
            url = self.iri(example.url, example.location, "example url")
            if url is not None:
                self.add(subject, SECID.exampleUrl, url)
        for derived in derived_urls:
            self.add(subject, SECID.exampleUrl, NamedNode(derived))
        self.text(subject, RDFS.comment, example.note)
        self.text(subject, SECID.exampleVersion, example.version)
        for name, value in example.variables:
            binding = binding_iri(subject, name)
            where = example.location
            self.entry(subject, SECID.exampleBinding, binding, SECID.VariableBinding, where)
            self.add(binding, SECID.variableName, Literal(name))
            self.add(binding, RDF.value, Literal(value))
        self.extras(subject, example.extras)

    def versions(self, owner: NamedNode, node: MatchNode) -> None:
        """Versions of a source or node; a repeated value gets its own IRI."""
        seen: Counter[str] = Counter()
        for version in node.versions:
            subject = version_iri(owner, version.value, seen[version.value])
            seen[version.value] += 1
            self.version(owner, subject, version, node.secid if isinstance(node, Source) else None)

    def version(
        self, owner: NamedNode, subject: NamedNode, version: Version, source_secid: str | None
    ) -> None:
        """One version, with the SecID ``<source>@<version>`` when the source has one."""
        self.entry(owner, SECID.hasVersion, subject, SECID.Version, version.location)
        self.add(subject, SECID.versionString, Literal(version.value))
        if source_secid is not None:
            self.add(subject, DCTERMS.identifier, Literal(f"{source_secid}@{version.value}"))
        if version.status is not None:
            self.add(subject, SECID.status, status_iri(version.status))
        if version.release_date is not None:
            self.add(subject, DCTERMS.issued, _date_literal(version.release_date))
        if version.url is not None:
            page = self.iri(version.url, version.location, "version url")
            if page is not None:
                self.add(subject, RDFS.seeAlso, page)
        self.text(subject, RDFS.comment, version.note)
        self.extras(subject, version.extras)

    def extras(self, owner: NamedNode, extras: tuple[Extra, ...]) -> None:
        """Keys the model has no field for, so nothing is lost.

        Each is mapped to a term where the meaning is clear (:meth:`mapped_extra`), else
        kept as key path and JSON text.
        """
        for index, extra in enumerate(extras):
            if self.mapped_extra(owner, extra):
                continue
            subject = extra_iri(owner, index)
            self.entry(owner, SECID.extra, subject, SECID.ExtraValue, extra.location)
            self.add(subject, SECID.keyPath, Literal(extra.location.field or extra.path))
            self.add(subject, RDF.value, Literal(extra.value_json))

    def mapped_extra(self, owner: NamedNode, extra: Extra) -> bool:
        """Write an extra key with its own term when one fits; False when none does.

        ``updated`` (a date) is ``dcterms:modified``; a ``url`` that is an absolute IRI is
        ``rdfs:seeAlso``; a ``lookup_table`` ``{value: {url, title}}`` gives one known value
        per entry with its ``secid:target`` page, and ``lang`` ``{available, default,
        url_transform}`` the ``{lang}`` variable with its choices: both are what a resolver
        needs where a template alone does not say it.
        """
        key = extra.path.rsplit(".", 1)[-1]
        value = json.loads(extra.value_json)
        if key == "updated" and isinstance(value, str) and _DATE.fullmatch(value):
            self.add(owner, DCTERMS.modified, _date_literal(value))
        elif key == "url" and isinstance(value, str) and _is_absolute_iri(value):
            self.add(owner, RDFS.seeAlso, absolute_iri(value))
        elif key == "lookup_table" and _is_lookup_table(value):
            for entry, item in value.items():
                known = known_value_iri(owner, entry)
                self.entry(owner, SECID.hasKnownValue, known, SECID.KnownValue, extra.location)
                self.add(known, RDF.value, Literal(entry))
                self.add(known, SECID.target, absolute_iri(item["url"]))
                self.text(known, RDFS.label, item.get("title"))
                self.text(known, SKOS.prefLabel, item.get("title"))
        elif key == "lang" and _is_language_choice(value):
            variable = variable_iri(owner, "lang")
            self.entry(owner, SECID.hasVariable, variable, SECID.Variable, extra.location)
            self.add(variable, SECID.variableName, Literal("lang"))
            self.text(variable, SECID.defaultValue, value.get("default"))
            self.text(variable, SECID.valueTransform, value.get("url_transform"))
            self.texts(variable, SECID.allowedValue, value.get("available", ()))
        else:
            return False
        self.property_provenance.setdefault((owner.value, _EXTRA_TERMS[key].value), extra.location)
        return True


class _Minter(Protocol):
    """An IRI minting function for the ``index``-th item of an owner."""

    def __call__(self, owner: NamedNode, index: int, /) -> NamedNode: ...


_NAMESPACE_FIELDS: Mapping[str, NamedNode] = MappingProxyType(
    {
        "official_name": SKOS.prefLabel,
        "common_name": SKOS.altLabel,
        "alternate_names": SKOS.altLabel,
        "description": DCTERMS.description,
        "notes": SKOS.note,
        "status": SECID.status,
        "status_notes": SECID.statusNote,
        "operator": SECID.operator,
        "urls": SECID.hasLink,
        "wikidata": SECID.wikidata,
        "wikipedia": SECID.wikipedia,
        "tags": SECID.tag,
        "established": SECID.established,
        "sources": SECID.hasSource,
        "id_patterns": SECID.hasIdPattern,
        "examples": SECID.hasExample,
    }
)
"""Model field of a namespace → the property it fills (for key-level provenance)."""

_NODE_FIELDS: Mapping[str, NamedNode] = MappingProxyType(
    {
        "official_name": SKOS.prefLabel,
        "common_name": SKOS.altLabel,
        "alternate_names": SKOS.altLabel,
        "description": DCTERMS.description,
        "long_description": SECID.longDescription,
        "notes": SKOS.note,
        "status": SECID.status,
        "weight": SECID.weight,
        "patterns": SECID.matchPattern,
        "urls": SECID.hasLink,
        "url_template": SECID.hasUrlTemplate,
        "variables": SECID.hasVariable,
        "id_patterns": SECID.hasIdPattern,
        "examples": SECID.hasExample,
        "versions": SECID.hasVersion,
        "version_required": SECID.versionRequired,
        "unversioned_behavior": SECID.unversionedBehavior,
        "deprecated_by": DCTERMS.isReplacedBy,
        "deprecated_date": SECID.deprecatedDate,
        "cross_references": SECID.crossReference,
        "known_values": SECID.hasKnownValue,
        "children": SECID.hasChild,
    }
)
"""Model field of a match node → the property it fills (for key-level provenance)."""


def _example_urls(
    secid: str | None, example: Example, templates: tuple[Url, ...]
) -> tuple[str, ...]:
    """URLs a full-SecID example gets from its source's ``{id}``-only templates.

    Only ``<source SecID>#<subpath>`` examples qualify, and only templates whose scheme and
    host hold no placeholder, so the subpath can never change where the URL points.
    """
    if secid is None or not example.value.startswith(secid + "#"):
        return ()
    subpath = example.value[len(secid) + 1 :]
    urls = []
    for template in templates:
        parts = urlsplit(template.value)
        if template.placeholders != ("id",) or "{" in parts.scheme + parts.netloc:
            continue
        candidate = template.value.replace("{id}", quote(subpath, safe="-._~:@!$'()*+,;=/"))
        try:
            urls.append(absolute_iri(candidate).value)
        except InvalidIriError:
            continue
    return tuple(urls)


_EXTRA_TERMS: Mapping[str, NamedNode] = MappingProxyType(
    {
        "updated": DCTERMS.modified,
        "url": RDFS.seeAlso,
        "lookup_table": SECID.hasKnownValue,
        "lang": SECID.hasVariable,
    }
)
"""Extra keys with a clear term of their own (last key of the path → property)."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_lookup_table(value: object) -> bool:
    """True for ``{value: {"url": <absolute IRI>, "title"?: <text>}}`` and nothing else."""
    return isinstance(value, dict) and all(
        isinstance(item, dict)
        and set(item) <= {"url", "title"}
        and isinstance(item.get("url"), str)
        and _is_absolute_iri(item["url"])
        and isinstance(item.get("title", ""), str)
        for item in value.values()
    )


def _is_language_choice(value: object) -> bool:
    """True for ``{available?: [text...], default?: text, url_transform?: text}``."""
    if not isinstance(value, dict) or not value or not set(value) <= _LANGUAGE_KEYS:
        return False
    available = value.get("available", [])
    return (
        isinstance(available, list)
        and all(isinstance(item, str) for item in available)
        and isinstance(value.get("default", ""), str)
        and isinstance(value.get("url_transform", ""), str)
    )


_LANGUAGE_KEYS = frozenset({"available", "default", "url_transform"})

_IRI_SAFE = "!#$%&'()*+,-./:;=?@_~"
"""ASCII punctuation an IRI may hold as it is (RFC 3987 ``ipchar``, ``iquery``, ``ifragment``
and the delimiters); everything else is percent-encoded when suggesting a fix."""


def _is_absolute_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI."""
    try:
        absolute_iri(text)
    except InvalidIriError:
        return False
    return True


def _year_literal(year: int) -> Literal:
    """A year as ``xsd:gYear`` (four digits at least, as the datatype requires)."""
    sign = "-" if year < 0 else ""
    return Literal(f"{sign}{abs(year):04d}", datatype=XSD.gYear)


def _date_literal(text: str) -> Literal:
    """A date as precise as written: ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``, or text."""
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if len(text) == 10:
            return Literal(text, datatype=XSD.date)
    if _YEAR_MONTH.fullmatch(text):
        return Literal(text, datatype=XSD.gYearMonth)
    if _YEAR.fullmatch(text):
        return Literal(text, datatype=XSD.gYear)
    return Literal(text)
