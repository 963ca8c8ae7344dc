"""The dataset description of an export: VoID statistics, DCAT distributions, PROV origin.

It describes the dump files of one export (``void.ttl`` beside them) in the named graph
:data:`secid_rdf.iris.DATASET_GRAPH_IRI`, and conforms to the DCAT-AP 3.0.1 shapes
(mandatory properties and class ranges: description, publisher, typed licences and media
types). Every value comes from the export or the registry; ``dcterms:modified`` is the
registry's commit date or a date the caller gives, never the clock, and ``dcat:version`` is
the registry's commit or the hash of its files, so the description is as deterministic as
the data.

IRIs: the dataset is ``<dump_base>void.ttl#dataset``; each distribution, class partition
and the export activity hang off ``void.ttl#...``; each named graph is a ``void:subset``
under its own graph IRI; dumps are ``<dump_base><file name>``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode, Quad

from secid_rdf.formats.context import compact_iri
from secid_rdf.formats.dump_format import OutputFormat, SortedTriples, distinct_triples
from secid_rdf.iris import DATASET_GRAPH_IRI, GRAPH_NAMESPACE, commit_iri, encode_segment
from secid_rdf.vocab import (
    DCAT,
    DCTERMS,
    FOAF,
    ONTOLOGY_IRI,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SECID,
    VOID,
    XSD,
)

__all__ = [
    "CC0_IRI",
    "MEDIA_TYPES",
    "SECID_LANDING_PAGE",
    "SECID_PUBLISHER",
    "DatasetInfo",
    "DatasetStats",
    "Distribution",
    "default_dump_base",
    "describe_dataset",
    "parse_modified",
]

CC0_IRI = "https://creativecommons.org/publicdomain/zero/1.0/"
"""CC0 1.0, the licence of the SecID registry."""

MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""IANA's media type registry; ``<MEDIA_TYPES>text/turtle`` names a media type (DCAT)."""

SECID_PUBLISHER = ("https://cloudsecurityalliance.org/", "Cloud Security Alliance")
"""The IRI and name of the registry's publisher, the default ``dcterms:publisher``."""

SECID_LANDING_PAGE = "https://github.com/CloudSecurityAlliance/SecID"
"""Where people find the SecID registry, the default ``dcat:landingPage``."""

_DESCRIPTION = (
    "The SecID registry of security knowledge identifiers as an RDF graph: its types, "
    "namespaces (who publishes), sources (what they publish), the patterns and URL templates "
    "that resolve a SecID to web pages, and its examples and versions. One resource per "
    "SecID, named by the SecID itself."
)

_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z0-9_.-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class Distribution:
    """One written dump file: its format and its size in bytes."""

    format: OutputFormat
    byte_size: int


@dataclass(frozen=True, kw_only=True)
class DatasetInfo:
    """What the description says beyond the counts.

    ``modified`` is an ``xsd:date`` or ``xsd:dateTime`` text (see :func:`parse_modified`).
    The dataset's ``dcat:version`` is ``commit`` (the registry's git commit), else
    ``digest`` (the hash of the registry's files, for a folder that is not a git checkout);
    ``version`` is secid-rdf's own version, for the export activity.
    """

    base: str
    dump_base: str
    license: str = CC0_IRI
    modified: str | None = None
    commit: str | None = None
    digest: str | None = None
    version: str
    publisher: tuple[str, str] = SECID_PUBLISHER
    landing_page: str = SECID_LANDING_PAGE


def default_dump_base(base: str) -> str:
    """Where the dump files are published unless told: ``_dump/`` under the data base.

    No SecID IRI starts with ``_`` (a type starts with a letter), see ``docs/iris.md``.

    >>> default_dump_base("https://w3id.org/secid/")
    'https://w3id.org/secid/_dump/'
    """
    return urljoin(base, "_dump/")


def parse_modified(text: str) -> Literal:
    """A modification date as an ``xsd:date`` (``2026-02-10``) or ``xsd:dateTime`` literal.

    :raises ValueError: when ``text`` is neither (e.g. ``10/02/2026`` or ``2026-02-30``).

    >>> parse_modified("2026-02-10").datatype.value
    'http://www.w3.org/2001/XMLSchema#date'
    >>> parse_modified("2026-02-10T09:30:00Z").datatype.value
    'http://www.w3.org/2001/XMLSchema#dateTime'
    """
    if _DATE.fullmatch(text):
        date.fromisoformat(text)
        return Literal(text, datatype=XSD.date)
    if _DATE_TIME.fullmatch(text):
        datetime.fromisoformat(text)
        return Literal(text, datatype=XSD.dateTime)
    raise ValueError(f"not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ): {text!r}")


def _class_key(class_iri: str) -> str:
    """A readable, unique fragment part for a class: its compact IRI, else the encoded IRI.

    >>> _class_key("https://w3id.org/secid/ontology#Source")
    'secido:Source'
    """
    curie = compact_iri(class_iri, PREFIXES)
    if curie is not None and _CURIE.fullmatch(curie):
        return curie
    return encode_segment(class_iri)


def _integer(value: int, datatype: NamedNode = XSD.integer) -> Literal:
    """An integer literal."""
    return Literal(str(value), datatype=datatype)


@dataclass
class DatasetStats:
    """The counts a description states, added up part by part.

    Parts must share no quad and no subject (an export's parts never do), so counts of
    triples, subjects, classes and graphs add up; objects are kept to count them once.
    """

    base: str
    triples: int = 0
    entities: int = 0
    subjects: int = 0
    objects: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)
    classes: Counter[str] = field(default_factory=Counter)
    graphs: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    """Per SecID type (the IRI's first segment after the base), its first namespace IRI."""

    def _example(self, kind: str, iri: str) -> None:
        """Keep ``iri`` as the example of ``kind`` when it sorts before the one kept."""
        if kind not in self.examples or iri < self.examples[kind]:
            self.examples[kind] = iri

    def add(self, quads: Iterable[Quad], triples: SortedTriples) -> None:
        """Count one part: its distinct quads and its distinct ``triples``."""
        keys = triples.keys
        subjects = {key[0] for key in keys}
        self.triples += len(keys)
        self.subjects += len(subjects)
        base = self.base
        self.entities += sum(
            1 for subject in subjects if subject.startswith(base) and not subject.startswith("_:")
        )
        self.objects.update(key[3] for key in keys)
        self.properties.update(key[2] for key in keys)
        self.classes.update(
            text[1:-1]
            for _, not_type, _, text in keys
            if not not_type and text[0] == "<" and text[1] != "<"  # an IRI, not a triple
        )
        namespace_class = f"<{SECID.Namespace.value}>"
        for subject, not_type, _, text in keys:
            if not not_type and text == namespace_class and subject.startswith(base):
                self._example(subject[len(base) :].partition("/")[0], subject)
        for graph, count in Counter(map(attrgetter("graph_name"), quads)).items():
            if isinstance(graph, NamedNode):
                self.graphs[graph.value] += count

    def update(self, other: DatasetStats) -> None:
        """Add another part's counts."""
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        self.objects |= other.objects
        self.properties |= other.properties
        self.classes.update(other.classes)
        self.graphs.update(other.graphs)
        for kind, iri in other.examples.items():
            self._example(kind, iri)

    @classmethod
    def of(cls, quads: Iterable[Quad], base: str) -> DatasetStats:
        """The counts of a whole graph (duplicate quads are counted once)."""
        unique = set(quads)
        stats = cls(base)
        stats.add(unique, distinct_triples(unique))
        return stats


def describe_dataset(
    stats: DatasetStats, distributions: Iterable[Distribution], info: DatasetInfo
) -> list[Quad]:
    """The VoID/DCAT/PROV description of an export, in the dataset description graph.

    :param stats: the counts of the exported graph.
    :param distributions: the dump files written.
    :param info: licence, dates, commit, version, base IRIs.
    :returns: quads, all in :data:`DATASET_GRAPH_IRI`.
    """
    void_file = info.dump_base + "void.ttl"
    dataset = NamedNode(void_file + "#dataset")
    by_class = stats.classes
    out: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = []

    def add(subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        out.append((subject, predicate, obj))

    for kind in (VOID.Dataset, DCAT.Dataset, PROV.Entity):
        add(dataset, RDF.type, kind)
    add(dataset, DCTERMS.title, Literal("SecID registry knowledge graph", language="en"))
    add(dataset, DCTERMS.description, Literal(_DESCRIPTION, language="en"))
    license_iri = NamedNode(info.license)
    add(dataset, DCTERMS.license, license_iri)
    add(license_iri, RDF.type, DCTERMS.LicenseDocument)
    publisher_iri, publisher_name = info.publisher
    publisher = NamedNode(publisher_iri)
    add(dataset, DCTERMS.publisher, publisher)
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, RDF.type, FOAF.Organization)
    add(publisher, FOAF.name, Literal(publisher_name))
    landing_page = NamedNode(info.landing_page)
    add(dataset, DCAT.landingPage, landing_page)
    add(landing_page, RDF.type, FOAF.Document)
    version = info.commit or info.digest
    if version is not None:
        add(dataset, DCAT.version, Literal(version))
    if info.modified is not None:
        add(dataset, DCTERMS.modified, parse_modified(info.modified))
    add(dataset, VOID.triples, _integer(stats.triples))
    add(dataset, VOID.entities, _integer(stats.entities))
    add(dataset, VOID.distinctSubjects, _integer(stats.subjects))
    add(dataset, VOID.distinctObjects, _integer(len(stats.objects)))
    add(dataset, VOID.properties, _integer(len(stats.properties)))
    add(dataset, VOID.classes, _integer(len(by_class)))
    add(dataset, VOID.uriSpace, Literal(info.base))
    add(dataset, VOID.vocabulary, NamedNode(ONTOLOGY_IRI))
    for _, example in sorted(stats.examples.items()):
        add(dataset, VOID.exampleResource, NamedNode(example))
    for class_iri, count in sorted(by_class.items()):
        partition = NamedNode(f"{void_file}#class={_class_key(class_iri)}")
        add(dataset, VOID.classPartition, partition)
        add(partition, VOID["class"], NamedNode(class_iri))
        add(partition, VOID.entities, _integer(count))
    for graph_iri, count in sorted(stats.graphs.items(), key=lambda item: f"<{item[0]}>"):
        if graph_iri.startswith(GRAPH_NAMESPACE):
            graph = NamedNode(graph_iri)
            add(dataset, VOID.subset, graph)
            add(graph, RDF.type, VOID.Dataset)
            add(graph, VOID.triples, _integer(count))
    for distribution in distributions:
        fmt = distribution.format
        node = NamedNode(f"{void_file}#{fmt.name}")
        dump = NamedNode(info.dump_base + fmt.file_name)
        media_type = NamedNode(MEDIA_TYPES + fmt.media_type)
        add(dataset, VOID.dataDump, dump)
        add(dataset, DCAT.distribution, node)
        add(node, RDF.type, DCAT.Distribution)
        add(node, DCTERMS.title, Literal(f"{fmt.title} dump", language="en"))
        add(
            node,
            DCTERMS.description,
            Literal(f"The whole graph in {fmt.title} ({fmt.file_name}).", language="en"),
        )
        add(node, DCAT.downloadURL, dump)
        add(node, DCAT.accessURL, dump)
        add(node, DCAT.mediaType, media_type)
        add(media_type, RDF.type, DCTERMS.MediaType)
        add(node, DCAT.byteSize, _integer(distribution.byte_size, XSD.nonNegativeInteger))
        add(node, DCTERMS.license, license_iri)
    activity = NamedNode(void_file + "#export")
    agent = NamedNode(f"https://pypi.org/project/secid-rdf/{info.version}/")
    add(dataset, PROV.wasGeneratedBy, activity)
    add(activity, RDF.type, PROV.Activity)
    add(activity, PROV.wasAssociatedWith, agent)
    add(agent, RDF.type, PROV.SoftwareAgent)
    add(agent, RDFS.label, Literal(f"secid-rdf {info.version}"))
    if info.commit is not None:
        commit = commit_iri(info.commit)
        add(dataset, PROV.wasDerivedFrom, commit)
        add(activity, PROV.used, commit)
    return [Quad(s, p, o, DATASET_GRAPH_IRI) for s, p, o in out]
