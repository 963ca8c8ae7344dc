"""The vocabularies the graph uses, as closed sets of terms.

Each vocabulary lists the terms secid-rdf may write; asking for any other name raises
:class:`AttributeError` (or :class:`KeyError` with ``[]``), so a misspelt term fails at once
instead of minting an IRI nobody declared. Terms are pyoxigraph :class:`~pyoxigraph.NamedNode`
values (``SECID.Namespace``, ``SECID["status-active"]``); the plain IRI string is
``SECID.Namespace.value`` or ``SECID.iri("Namespace")``, for rdflib or HTTP callers.

The SecID ontology's own terms are declared, labelled and commented in ``ontology/secid.ttl``;
a test checks that this module and that file name the same terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from pyoxigraph import NamedNode

__all__ = [
    "DATA_PREFIX",
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE",
    "FOAF",
    "IDOT",
    "ONTOLOGY_IRI",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SECID",
    "SECID_NAMESPACE",
    "SH",
    "SKOS",
    "STATUS_SCHEME",
    "TAG_SCHEME",
    "URL_KIND_SCHEME",
    "VANN",
    "VOCABULARIES",
    "VOCAB_NAMESPACE",
    "VOID",
    "VS",
    "XSD",
    "Vocabulary",
    "prefixes_for",
]


class Vocabulary:
    """A closed namespace: a prefix, its namespace IRI and the only terms allowed in it.

    >>> v = Vocabulary("ex", "https://example.org/ns#", ["Thing", "has-part"])
    >>> v.Thing.value
    'https://example.org/ns#Thing'
    >>> v["has-part"].value
    'https://example.org/ns#has-part'
    >>> v.Thingy
    Traceback (most recent call last):
    ...
    AttributeError: 'Thingy' is not a term of ex: (https://example.org/ns#)
    """

    def __init__(self, prefix: str, namespace: str, terms: Iterable[str]) -> None:
        # private names, so that no attribute hides a term (SECID.namespace is a term)
        self._prefix = prefix
        self._namespace = namespace
        self._nodes: Mapping[str, NamedNode] = MappingProxyType(
            {name: NamedNode(namespace + name) for name in sorted(set(terms))}
        )
        # terms as instance attributes: found without a __getattr__ call (hot in the converter)
        self.__dict__.update(
            {name: node for name, node in self._nodes.items() if name.isidentifier()}
        )

    def __getattr__(self, name: str) -> NamedNode:
        """The term ``name``; raises :class:`AttributeError` for a name not in the set."""
        try:
            return self._nodes[name]
        except KeyError:
            raise AttributeError(
                f"{name!r} is not a term of {self._prefix}: ({self._namespace})"
            ) from None

    def __getitem__(self, name: str) -> NamedNode:
        """The term ``name``, for names that are not Python identifiers (``status-active``)."""
        try:
            return self._nodes[name]
        except KeyError:
            raise KeyError(
                f"{name!r} is not a term of {self._prefix}: ({self._namespace})"
            ) from None

    def __contains__(self, name: object) -> bool:
        """True when ``name`` (a local name) is one of the terms."""
        return name in self._nodes

    def __iter__(self) -> Iterator[str]:
        """The local names, sorted."""
        return iter(self._nodes)

    def __len__(self) -> int:
        """How many terms the vocabulary has."""
        return len(self._nodes)

    def iri(self, name: str) -> str:
        """The plain IRI string of the term ``name``."""
        return self[name].value

    def __repr__(self) -> str:
        """Show the prefix and namespace."""
        return f"Vocabulary({self._prefix!r}, {self._namespace!r}, <{len(self)} terms>)"


ONTOLOGY_IRI = "https://w3id.org/secid/ontology"
"""The IRI of the SecID ontology itself (``owl:Ontology``)."""

SECID_NAMESPACE = ONTOLOGY_IRI + "#"
"""The namespace of the SecID ontology's classes, properties and concepts."""

SECID_CLASSES = (
    "SecidType",
    "Namespace",
    "Source",
    "MatchNode",
    "UrlLink",
    "UrlTemplate",
    "Variable",
    "VariableBinding",
    "IdPattern",
    "Example",
    "Version",
    "KnownValue",
)
"""The classes of the SecID ontology."""

SECID_SCHEMES = ("TypeScheme",)
"""The SKOS concept scheme the ontology's namespace holds (the types are data IRIs)."""

VOCAB_NAMESPACE = "https://w3id.org/secid/vocab/"
"""Where the SKOS schemes of statuses, URL kinds and tags live: outside the ontology's
namespace, so that an open list of values never mints ontology terms. A concept is
``<VOCAB_NAMESPACE><scheme>/<value>``; the scheme itself ``<VOCAB_NAMESPACE><scheme>``."""

STATUS_SCHEME = NamedNode(VOCAB_NAMESPACE + "status")
"""The concept scheme of statuses (``secidv:status``), declared in the ontology file."""

URL_KIND_SCHEME = NamedNode(VOCAB_NAMESPACE + "urlkind")
"""The concept scheme of URL kinds (``secidv:urlkind``), an open list."""

TAG_SCHEME = NamedNode(VOCAB_NAMESPACE + "tag")
"""The concept scheme of tags other than countries (``secidv:tag``), an open list."""

SECID_STATUSES = (
    "active",
    "draft",
    "superseded",
    "historical",
    "deprecated",
    "proposed",
    "pending",
    "published",
)
"""Status values the registry formats document (Markdown and JSON); each is a concept
``secidv:status/<value>`` of the status scheme (the ontology file declares them, and the
other values the registries use for versions)."""

SECID_PROPERTIES = (
    # namespace level
    "secidType",
    "hasSource",
    "status",
    "statusNote",
    "operator",
    "prose",
    "hasLink",
    "hasIdPattern",
    "hasExample",
    "established",
    "tag",
    "wikidata",
    "wikipedia",
    "sourceFile",
    # sources and match nodes
    "namespace",
    "name",
    "matchPattern",
    "hasChild",
    "parent",
    "depth",
    "weight",
    "hasUrlTemplate",
    "hasVersion",
    "versionRequired",
    "unversionedBehavior",
    "deprecatedDate",
    "crossReference",
    "hasKnownValue",
    "longDescription",
    # URL links and templates
    "linkKind",
    "target",
    "contentType",
    "template",
    "placeholder",
    "hasVariable",
    # variables
    "variableName",
    "extractPattern",
    "extractXPath",
    "valueFormat",
    "defaultValue",
    "allowedValue",
    "valueTransform",
    # id patterns
    "regex",
    "xpathRegex",
    "regexFlags",
    "patternKind",
    # examples
    "exampleValue",
    "exampleUrl",
    "exampleVersion",
    "exampleBinding",
    # versions
    "versionString",
    # kept registry keys
    "extra",
)
"""The properties of the SecID ontology."""

SECID = Vocabulary(
    "secido",
    SECID_NAMESPACE,
    (
        *SECID_CLASSES,
        *SECID_SCHEMES,
        *SECID_PROPERTIES,
    ),
)
"""The SecID ontology: ``https://w3id.org/secid/ontology#``, prefix ``secido:``."""

RDF = Vocabulary(
    "rdf",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    ("type", "value", "Property", "langString", "JSON"),
)
RDFS = Vocabulary(
    "rdfs",
    "http://www.w3.org/2000/01/rdf-schema#",
    (
        "Class",
        "Datatype",
        "Literal",
        "Resource",
        "comment",
        "domain",
        "isDefinedBy",
        "label",
        "range",
        "seeAlso",
        "subClassOf",
        "subPropertyOf",
    ),
)
OWL = Vocabulary(
    "owl",
    "http://www.w3.org/2002/07/owl#",
    (
        "AnnotationProperty",
        "Class",
        "DatatypeProperty",
        "FunctionalProperty",
        "NamedIndividual",
        "ObjectProperty",
        "Ontology",
        "Thing",
        "deprecated",
        "equivalentClass",
        "equivalentProperty",
        "imports",
        "inverseOf",
        "priorVersion",
        "sameAs",
        "versionIRI",
        "versionInfo",
    ),
)
XSD = Vocabulary(
    "xsd",
    "http://www.w3.org/2001/XMLSchema#",
    (
        "anyURI",
        "boolean",
        "date",
        "dateTime",
        "decimal",
        "gYear",
        "gYearMonth",
        "integer",
        "nonNegativeInteger",
        "string",
    ),
)
DCTERMS = Vocabulary(
    "dcterms",
    "http://purl.org/dc/terms/",
    (
        "conformsTo",
        "created",
        "creator",
        "date",
        "description",
        "format",
        "hasPart",
        "identifier",
        "isPartOf",
        "isReplacedBy",
        "issued",
        "LicenseDocument",
        "license",
        "MediaType",
        "modified",
        "publisher",
        "rights",
        "source",
        "spatial",
        "subject",
        "title",
        "type",
    ),
)
SKOS = Vocabulary(
    "skos",
    "http://www.w3.org/2004/02/skos/core#",
    (
        "Concept",
        "ConceptScheme",
        "altLabel",
        "broader",
        "closeMatch",
        "definition",
        "editorialNote",
        "exactMatch",
        "hasTopConcept",
        "inScheme",
        "narrower",
        "notation",
        "note",
        "prefLabel",
        "topConceptOf",
    ),
)
FOAF = Vocabulary(
    "foaf",
    "http://xmlns.com/foaf/0.1/",
    ("Agent", "Document", "Organization", "homepage", "isPrimaryTopicOf", "name", "page"),
)
PROV = Vocabulary(
    "prov",
    "http://www.w3.org/ns/prov#",
    (
        "Activity",
        "Agent",
        "Entity",
        "SoftwareAgent",
        "generatedAtTime",
        "used",
        "wasAssociatedWith",
        "wasDerivedFrom",
        "wasGeneratedBy",
    ),
)
VOID = Vocabulary(
    "void",
    "http://rdfs.org/ns/void#",
    (
        "Dataset",
        "class",
        "classPartition",
        "classes",
        "dataDump",
        "distinctObjects",
        "distinctSubjects",
        "entities",
        "exampleResource",
        "properties",
        "property",
        "propertyPartition",
        "sparqlEndpoint",
        "subset",
        "triples",
        "uriSpace",
        "vocabulary",
    ),
)
DCAT = Vocabulary(
    "dcat",
    "http://www.w3.org/ns/dcat#",
    (
        "Catalog",
        "Dataset",
        "Distribution",
        "accessURL",
        "byteSize",
        "dataset",
        "distribution",
        "downloadURL",
        "landingPage",
        "mediaType",
        "version",
    ),
)
SCHEMA = Vocabulary(
    "schema",
    "https://schema.org/",
    (
        "Collection",
        "DefinedTerm",
        "DefinedTermSet",
        "description",
        "hasPart",
        "identifier",
        "inDefinedTermSet",
        "name",
        "provider",
        "sameAs",
        "url",
    ),
)
VANN = Vocabulary(
    "vann",
    "http://purl.org/vocab/vann/",
    ("example", "preferredNamespacePrefix", "preferredNamespaceUri"),
)
IDOT = Vocabulary(
    "idot",
    "http://identifiers.org/idot/",
    ("accessPattern", "exampleIdentifier", "identifierPattern"),
)
VS = Vocabulary("vs", "http://www.w3.org/2003/06/sw-vocab-status/ns#", ("term_status",))
SH = Vocabulary(
    "sh",
    "http://www.w3.org/ns/shacl#",
    (
        "Info",
        "NodeShape",
        "PropertyShape",
        "ValidationReport",
        "ValidationResult",
        "Violation",
        "Warning",
        "conforms",
        "focusNode",
        "message",
        "path",
        "result",
        "resultMessage",
        "resultPath",
        "resultSeverity",
        "severity",
        "sourceConstraint",
        "sourceConstraintComponent",
        "sourceShape",
        "value",
    ),
)

VOCABULARIES: tuple[Vocabulary, ...] = (
    SECID,
    RDF,
    RDFS,
    OWL,
    XSD,
    DCTERMS,
    SKOS,
    FOAF,
    PROV,
    VOID,
    DCAT,
    SCHEMA,
    VANN,
    IDOT,
    VS,
    SH,
)
"""Every vocabulary secid-rdf writes terms from, the SecID ontology first."""

DATA_PREFIX = "secid"
"""The prefix of the data base IRI: with it, every SecID string ``secid:advisory/mitre.org/cve``
is also the compact IRI of the resource it names (the SecID URI scheme and the prefix agree)."""

DEFAULT_BASE = "https://w3id.org/secid/"
"""Where data IRIs live unless ``--base`` says otherwise: ``<base><SecID without secid:>``."""

PREFIXES: dict[str, str] = {
    DATA_PREFIX: DEFAULT_BASE,
    "secidv": VOCAB_NAMESPACE,
    **{
        vocabulary._prefix: vocabulary._namespace  # private attributes, read in their own module
        for vocabulary in VOCABULARIES
    },
}
"""Prefix → namespace IRI, for Turtle ``@prefix`` lines and the JSON-LD context (a fresh
``dict(PREFIXES)`` copy is what a writer that may mutate it should get)."""


def prefixes_for(base: str) -> dict[str, str]:
    """:data:`PREFIXES` with ``secid:`` bound to the data base ``base`` (``--base``).

    >>> prefixes_for("https://example.org/id/")["secid"]
    'https://example.org/id/'
    >>> prefixes_for("https://example.org/id/")["secido"]
    'https://w3id.org/secid/ontology#'
    """
    return {**PREFIXES, DATA_PREFIX: base}
