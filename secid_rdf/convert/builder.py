"""Registry model → RDF quads, with the registry location of every subject.

One pass over the model writes pyoxigraph quads, each in the named graph of its SecID type
(:func:`~secid_rdf.iris.graph_iri`). Every IRI comes from :mod:`secid_rdf.iris`, every term
from :mod:`secid_rdf.vocab`; no blank nodes. Values that cannot be written faithfully (a URL
that is not an absolute IRI, a SecID reference that is not a SecID) become findings instead
of broken triples; a regex without an XPath form keeps its original text and gets a finding.
The ontology itself is not copied into the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from pyoxigraph import Literal, NamedNode, Quad

from secid_rdf.convert.entries import EntryWriter, example_urls
from secid_rdf.convert.literals import date_literal, year_literal
from secid_rdf.convert.writer import (
    RULE_INVALID_IRI,
    RULE_INVALID_SECID,
    RULE_UNTRANSLATABLE_REGEX,
    Conversion,
    ConvertedPart,
    is_absolute_iri,
)
from secid_rdf.findings import InvalidIriError, InvalidSecidError, Location, Severity
from secid_rdf.iris import (
    DEFAULT_BASE,
    WIKIDATA_ITEM,
    absolute_iri,
    check_base,
    content_key,
    country_iri,
    graph_iri,
    is_web_template,
    secid_iri,
    status_iri,
    step_iri,
    tag_iri,
    type_iri,
    url_kind_iri,
)
from secid_rdf.model import MatchNode, Namespace, Registry, SecidType, Source, Url
from secid_rdf.vocab import (
    DCTERMS,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SECID,
    SKOS,
    TAG_SCHEME,
    URL_KIND_SCHEME,
)

__all__ = [
    "RULE_DUPLICATE",
    "RULE_INVALID_IRI",
    "RULE_INVALID_REFERENCE",
    "RULE_INVALID_SECID",
    "RULE_UNTRANSLATABLE_REGEX",
    "Conversion",
    "ConvertedPart",
    "convert_concepts",
    "convert_part",
    "convert_types",
    "linked_nodes",
    "reference_problem",
    "reference_target",
    "registry_to_graph",
]

RULE_INVALID_REFERENCE = "convert-reference"
"""An operator, cross reference or ``deprecated_by`` that is neither a SecID nor an IRI."""

RULE_DUPLICATE = "convert-duplicate"
"""Two namespaces or match nodes claim the same IRI (the same SecID, or the same content)."""


def reference_target(base: str, text: str) -> NamedNode | None:
    """The IRI a SecID reference (or a plain IRI) names; ``None`` when it is neither.

    The converter and the checks of each file judge a reference by this one rule.

    >>> reference_target(DEFAULT_BASE, "secid:entity/mitre.org") is not None
    True
    >>> reference_target(DEFAULT_BASE, "MITRE Corporation") is None
    True
    """
    try:
        return secid_iri(base, text)
    except InvalidSecidError:
        try:
            return absolute_iri(text)
        except InvalidIriError:
            return None


def reference_problem(what: str, text: str) -> str:
    """The message for a ``what`` (``operator`` ...) that names nothing: what to write.

    >>> reference_problem("operator", "MITRE")
    "operator 'MITRE' is neither a SecID nor an IRI; write a SecID such as secid:entity/<domain>"
    """
    example = "secid:entity/<domain>" if what == "operator" else "secid:<type>/<namespace>"
    return f"{what} {text!r} is neither a SecID nor an IRI; write a SecID such as {example}"


def _country(key: str, value: str) -> NamedNode | None:
    """The standard country IRI of a ``country`` tag, when its value is an ISO code."""
    return country_iri(value) if key == "country" else None


def registry_to_graph(
    registry: Registry, *, base: str = DEFAULT_BASE, ordered: bool = True
) -> Conversion:
    """Convert a registry into quads, one named graph per SecID type.

    :param registry: what the reader returned.
    :param base: the base of data IRIs (``--base``): an absolute IRI ending in ``/``.
    :param ordered: sort the quads; without it they come in no particular order, which
        is all a store needs, and a sixth of the time is saved.
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
    >>> result.provenance["https://w3id.org/secid/entity/aisi"]
    Location(file='entity/aisi.md', line=1, field=None)
    """
    builder = _Builder(check_base(base), registry.commit)
    builder.ordered = ordered
    builder.types(registry.types, registry.namespaces)
    builder.close_chunk()
    for namespace in registry.namespaces:
        builder.namespace(namespace)
        builder.close_chunk()
    builder.quads += builder.concepts
    builder.close_chunk()
    return builder.result()


def convert_types(registry: Registry, *, base: str = DEFAULT_BASE) -> ConvertedPart:
    """Convert the registry's SecID type resources alone (the part of no namespace)."""
    builder = _Builder(check_base(base), registry.commit)
    builder.types(registry.types, registry.namespaces)
    return builder.part()


def convert_part(
    namespaces: Iterable[Namespace],
    *,
    commit: str | None = None,
    base: str = DEFAULT_BASE,
) -> ConvertedPart:
    """Convert some namespaces of a registry on their own.

    An export converts a large registry part by part, so that only one part's quads are in
    memory at a time; the union of all parts and :func:`convert_types` is
    :func:`registry_to_graph`. Namespaces that could claim the same IRI must be in the same
    part for the duplicate to be reported.

    :param commit: the registry's commit, for provenance.
    """
    builder = _Builder(check_base(base), commit)
    for namespace in namespaces:
        builder.namespace(namespace)
    return builder.part()


def convert_concepts(namespaces: Iterable[Namespace], *, base: str = DEFAULT_BASE) -> list[Quad]:
    """The open-vocabulary concepts (URL kinds, tags) these namespaces declare, and no more.

    Far cheaper than converting the namespaces: a diff needs every namespace's concepts but
    only the changed namespaces' other quads.
    """
    builder = _Builder(check_base(base), None)
    for namespace in namespaces:
        builder.namespace_concepts(namespace)
    return builder.concepts


def linked_nodes(
    namespaces: Iterable[Namespace], *, base: str = DEFAULT_BASE
) -> list[tuple[str, str]]:
    """(IRI, class IRI) of each namespace, source and match node these namespaces define.

    What a link to another namespace or entry needs of its target, in a small fraction of
    the time a conversion takes: a validation part by part knows the rest of the registry
    by these. The namespaces are walked in order as :func:`registry_to_graph` walks them,
    so a repeated SecID names the same resource as there.
    """
    builder = _Builder(check_base(base), None)
    found: list[tuple[str, str]] = []
    for namespace in namespaces:
        subject = secid_iri(builder.base, namespace.secid)
        if subject.value in builder.named:
            continue  # a duplicate: the conversion leaves it out
        builder.named[subject.value] = namespace.location
        found.append((subject.value, SECID.Namespace.value))
        for source in namespace.sources:
            builder.node_nodes(subject, source, SECID.Source, found)
    return found


class _Builder(EntryWriter):
    """Walks the model once: SecID types, namespaces, sources and match nodes."""

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
        subject = secid_iri(self.base, ns.secid)
        if subject.value in self.named:
            self.report(
                ns.location,
                Severity.ERROR,
                RULE_DUPLICATE,
                f"{ns.secid} is also defined in {self.named[subject.value].file}; "
                "keep one definition",
            )
            return
        self.named[subject.value] = ns.location
        self.scope = subject.value
        self.namespace_concepts(ns)
        self.locate(subject, ns.location)
        self.locate_fields(subject, ns, _NAMESPACE_FIELDS)
        self.add(subject, RDF.type, SECID.Namespace)
        self.add(subject, DCTERMS.identifier, Literal(ns.secid))
        self.add(subject, SECID.secidType, type_iri(self.base, ns.type))
        self.described(subject, ns)
        self.text(subject, SECID.statusNote, ns.status_notes)
        operator = None
        if ns.operator is not None:
            operator = self.reference(
                subject, SECID.operator, ns.operator, ns.field_location("operator"), "operator"
            )
        self.add(subject, RDF.type, SCHEMA.Collection)
        self.for_search(subject, ns.official_name or ns.namespace, ns.description, operator)
        self.links(subject, ns.urls)
        for item in ns.wikidata:
            target = (
                NamedNode(f"http://www.wikidata.org/entity/{item}")
                if WIKIDATA_ITEM.fullmatch(item)
                else self.iri(item, ns.location, "wikidata item")
            )
            if target is not None:
                self.add(subject, SECID.wikidata, target)
                self.add(subject, SCHEMA.sameAs, target)
        for page in ns.wikipedia:
            article = self.iri(page, ns.location, "wikipedia article")
            if article is not None:
                self.add(subject, SECID.wikipedia, article)
        for key, value in ns.tags:
            self.tag(subject, key, value)
        if ns.established is not None:
            self.add(subject, SECID.established, year_literal(ns.established))
        self.texts(subject, SECID.sourceFile, ns.files)
        if self.commit is not None:
            self.add(subject, PROV.wasDerivedFrom, self.commit)
        self.patterns(subject, SECID.hasIdPattern, ns.id_patterns, "pattern")
        for example in ns.examples:
            self.example(subject, example, ns.example_secid(example))
        self.extras(subject, ns.extras)
        for source in ns.sources:
            self.source(subject, source, operator)

    def namespace_concepts(self, ns: Namespace) -> None:
        """Declare the concepts a namespace uses, in its type's graph, in model order."""
        self.graph = graph_iri(ns.type)
        self.url_kinds(ns.urls)
        for key, value in ns.tags:
            if _country(key, value) is None:
                label = f"{key}: {value}"
                self.declare(tag_iri(key, value), TAG_SCHEME, value, label, ns.location)
        nodes: list[MatchNode] = [*ns.sources]
        while nodes:
            node = nodes.pop(0)
            self.url_kinds(node.urls)
            if node.url_template is not None:
                self.url_kinds((node.url_template,))
            nodes[:0] = node.children

    def url_kinds(self, urls: Iterable[Url]) -> None:
        """Declare the kind of each link or template that is written (a link needs an IRI)."""
        for url in urls:
            if is_web_template(url.value) if url.is_template else is_absolute_iri(url.value):
                concept = url_kind_iri(url.kind)
                self.declare(concept, URL_KIND_SCHEME, url.kind, url.kind, url.location)

    def described(self, subject: NamedNode, item: Namespace | MatchNode) -> None:
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

    def tag(self, subject: NamedNode, key: str, value: str) -> None:
        """A tag as a concept; a country tag is the country's IRI and the spatial coverage."""
        country = _country(key, value)
        self.add(subject, SECID.tag, country or tag_iri(key, value))
        if key == "country":
            self.add(subject, DCTERMS.spatial, country or tag_iri(key, value))

    def for_search(
        self,
        subject: NamedNode,
        name: str | None,
        description: str | None,
        provider: NamedNode | None,
    ) -> None:
        """The schema.org terms a search engine reads from a page's embedded JSON-LD.

        They repeat what the SKOS and Dublin Core terms say, in the one vocabulary crawlers
        read; the website is added as ``schema:url`` with the links.
        """
        self.text(subject, SCHEMA.name, name)
        self.text(subject, SCHEMA.description, description)
        if provider is not None:
            self.add(subject, SCHEMA.provider, provider)

    def reference(
        self, subject: NamedNode, predicate: NamedNode, text: str, location: Location, what: str
    ) -> NamedNode | None:
        """A SecID reference (or a plain IRI) as a link, whether or not the target exists.

        Returns the target, or ``None`` when the text names none (a finding).
        """
        target = reference_target(self.base, text)
        if target is None:
            message = reference_problem(what, text)
            self.report(location, Severity.ERROR, RULE_INVALID_REFERENCE, message)
            return None
        self.add(subject, predicate, target)
        return target

    # -- sources and match nodes -----------------------------------------------------

    def source(self, ns_subject: NamedNode, source: Source, operator: NamedNode | None) -> None:
        """A name-level entry: named by its SecID when it has one, else by its content.

        Its namespace's operator provides it (``schema:provider``), as search engines ask.
        """
        subject, secid = self.node_iri(ns_subject, source)
        self.add(ns_subject, SECID.hasSource, subject)
        self.add(ns_subject, SCHEMA.hasPart, subject)
        self.add(subject, SECID.namespace, ns_subject)
        self.add(subject, RDF.type, SECID.Source)
        self.add(subject, RDF.type, SCHEMA.DefinedTermSet)
        self.text(subject, SECID.name, source.name)
        self.for_search(subject, source.official_name or source.name, source.description, operator)
        self.node(subject, source, 0, secid)

    def node_iri(self, owner: NamedNode, node: MatchNode) -> tuple[NamedNode, str | None]:
        """A match node's IRI, and the SecID it names (``None`` when it is named otherwise).

        A node with a SecID is named by it, unless another namespace or node took that
        SecID first (a finding). Any other node hangs off its owner, named by a hash of what
        tells it from its siblings (patterns, template and content type): siblings may share
        their patterns and differ only in where they resolve to.
        """
        subject = self.secid_or_none(node.secid, node.location, "match node")
        if subject is not None:
            if subject.value not in self.named:
                self.named[subject.value] = node.location
                return subject, node.secid
            first = self.named[subject.value]
            self.report(
                node.location,
                Severity.WARNING,
                RULE_DUPLICATE,
                f"{node.secid} is also defined at {first.file}:{first.line}; "
                "this match node is named by its content",
            )
        template = node.url_template
        key = content_key(
            [pattern.regex for pattern in node.patterns],
            template.value if template else None,
            template.content_type if template else None,
        )
        subject = step_iri(owner, "node", key)
        if subject.value in self.named:
            first = self.named[subject.value]
            self.report(
                node.location,
                Severity.WARNING,
                RULE_DUPLICATE,
                f"a match node with the same patterns and template is defined at "
                f"{first.file}:{first.line}; both are one resource",
            )
        self.named.setdefault(subject.value, node.location)
        return subject, None

    def node_nodes(
        self, owner: NamedNode, node: MatchNode, kind: NamedNode, found: list[tuple[str, str]]
    ) -> None:
        """A match node's (IRI, class) and its descendants', in :meth:`node`'s order."""
        subject, _ = self.node_iri(owner, node)
        found.append((subject.value, kind.value))
        for child in node.children:
            self.node_nodes(subject, child, SECID.MatchNode, found)

    def node(self, subject: NamedNode, node: MatchNode, depth: int, secid: str | None) -> None:
        """Everything a match node (or source) holds, then its children."""
        self.locate(subject, node.location)
        self.locate_fields(subject, node, _NODE_FIELDS)
        self.text(subject, DCTERMS.identifier, secid)
        self.add(subject, SECID.depth, Literal(depth))
        if node.weight is not None:
            self.add(subject, SECID.weight, Literal(node.weight))
        self.described(subject, node)
        self.text(subject, SECID.longDescription, node.long_description)
        self.patterns(subject, SECID.matchPattern, node.patterns, "match")
        self.patterns(subject, SECID.hasIdPattern, node.id_patterns, "pattern")
        templates = self.links(subject, node.urls)
        if node.url_template is not None:
            self.resolution_url(subject, node.url_template)
        for variable in node.variables:
            self.variable(subject, variable)
        for example in node.examples:
            identifier = example.value if example.is_secid else None
            self.example(subject, example, identifier, example_urls(secid, example, templates))
        self.versions(subject, node, secid if isinstance(node, Source) else None)
        if node.version_required is not None:
            self.add(subject, SECID.versionRequired, Literal(node.version_required))
        self.text(subject, SECID.unversionedBehavior, node.unversioned_behavior)
        if node.deprecated_by is not None:
            self.reference(
                subject, DCTERMS.isReplacedBy, node.deprecated_by, node.location, "deprecated_by"
            )
        if node.deprecated_date is not None:
            self.add(subject, SECID.deprecatedDate, date_literal(node.deprecated_date))
        for target in node.cross_references:
            self.reference(subject, SECID.crossReference, target, node.location, "cross reference")
        for value, description in node.known_values:
            known = step_iri(subject, "value", value)
            self.entry(subject, SECID.hasKnownValue, known, SECID.KnownValue, node.location)
            self.add(known, RDF.value, Literal(value))
            self.add(known, DCTERMS.description, Literal(description))
        self.extras(subject, node.extras)
        for child in node.children:
            child_subject, child_secid = self.node_iri(subject, child)
            self.add(subject, SECID.hasChild, child_subject)
            self.add(child_subject, SECID.parent, subject)
            self.add(child_subject, RDF.type, SECID.MatchNode)
            self.node(child_subject, child, depth + 1, child_secid)


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
