"""The ontology file: parses, describes itself, declares exactly the terms the code uses."""

from __future__ import annotations

from collections import defaultdict

import pytest
import rdflib
from conftest import REGISTRY_NAMES
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from secid_rdf.convert.builder import Conversion
from secid_rdf.iris import status_iri
from secid_rdf.model import Registry
from secid_rdf.resources import ontology_path
from secid_rdf.vocab import (
    DCTERMS,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SECID,
    SECID_CLASSES,
    SECID_NAMESPACE,
    SECID_PROPERTIES,
    SECID_STATUSES,
    SKOS,
    STATUS_SCHEME,
    VANN,
    VOCABULARIES,
    VS,
    Vocabulary,
)

Facts = dict[str, dict[str, list[NamedNode | Literal]]]


@pytest.fixture(scope="module")
def ontology() -> Facts:
    """Subject IRI → predicate IRI → objects, read with pyoxigraph."""
    facts: Facts = defaultdict(lambda: defaultdict(list))
    for triple in parse(path=ontology_path(), format=RdfFormat.TURTLE):
        assert isinstance(triple.subject, NamedNode), f"blank node in the ontology: {triple}"
        assert isinstance(triple.object, NamedNode | Literal)
        facts[triple.subject.value][triple.predicate.value].append(triple.object)
    return facts


def values(facts: Facts, subject: str, predicate: NamedNode) -> list[str]:
    return [term.value for term in facts.get(subject, {}).get(predicate.value, [])]


def test_ontology_parses_the_same_with_a_second_parser(ontology: Facts) -> None:
    graph = rdflib.Graph().parse(ontology_path(), format="turtle")
    count = sum(len(objects) for predicates in ontology.values() for objects in predicates.values())
    assert len(graph) == count


def test_ontology_header_says_what_a_reader_of_it_needs(ontology: Facts) -> None:
    header = ontology[ONTOLOGY_IRI]
    assert values(ontology, ONTOLOGY_IRI, RDF.type) == [OWL.Ontology.value]
    version = values(ontology, ONTOLOGY_IRI, OWL.versionInfo)
    assert len(version) == 1
    assert values(ontology, ONTOLOGY_IRI, OWL.versionIRI) == [f"{ONTOLOGY_IRI}/{version[0]}"]
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.created):
        assert predicate.value in header, f"the ontology has no {predicate.value}"
    assert values(ontology, ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == ["secido"]
    assert values(ontology, ONTOLOGY_IRI, VANN.preferredNamespaceUri) == [SECID_NAMESPACE]


def declared_terms(ontology: Facts) -> set[str]:
    return {iri[len(SECID_NAMESPACE) :] for iri in ontology if iri.startswith(SECID_NAMESPACE)}


def test_code_and_ontology_declare_the_same_terms(ontology: Facts) -> None:
    in_code = set(SECID)
    in_file = declared_terms(ontology)
    assert in_code - in_file == set(), "terms in secid_rdf/vocab.py missing from the ontology"
    assert in_file - in_code == set(), "terms in ontology/secid.ttl missing from vocab.py"


@pytest.mark.parametrize("term", sorted(SECID))
def test_every_term_is_typed_labelled_commented_and_has_a_status(
    ontology: Facts, term: str
) -> None:
    iri = SECID.iri(term)
    assert values(ontology, iri, RDF.type), f"secid:{term} has no rdf:type"
    for predicate in (RDFS.label, RDFS.comment):
        texts = ontology[iri][predicate.value]
        assert len(texts) == 1, f"secid:{term} needs exactly one {predicate.value}"
        literal = texts[0]
        assert isinstance(literal, Literal) and literal.language == "en" and literal.value
    assert values(ontology, iri, RDFS.isDefinedBy) == [ONTOLOGY_IRI]
    assert values(ontology, iri, VS.term_status) in (["stable"], ["unstable"])


def test_classes_properties_and_concepts_have_the_right_kind(ontology: Facts) -> None:
    for name in SECID_CLASSES:
        assert OWL.Class.value in values(ontology, SECID.iri(name), RDF.type), name
    kinds = {OWL.ObjectProperty.value, OWL.DatatypeProperty.value}
    for name in SECID_PROPERTIES:
        assert kinds & set(values(ontology, SECID.iri(name), RDF.type)), name
    for status in SECID_STATUSES:
        iri = status_iri(status).value
        assert SKOS.Concept.value in values(ontology, iri, RDF.type)
        assert values(ontology, iri, SKOS.inScheme) == [STATUS_SCHEME.value]
        assert values(ontology, iri, SKOS.notation) == [status]


def test_domains_and_ranges_name_declared_classes_or_standard_terms(ontology: Facts) -> None:
    standard = tuple(v.iri(name).rsplit(name, 1)[0] for v in VOCABULARIES[1:] for name in v)
    for name in SECID_PROPERTIES:
        for predicate in (RDFS.domain, RDFS.range):
            for target in values(ontology, SECID.iri(name), predicate):
                if target.startswith(SECID_NAMESPACE):
                    assert target[len(SECID_NAMESPACE) :] in SECID_CLASSES, (name, target)
                else:
                    assert target.startswith(standard), (name, target)


def test_datatype_properties_range_over_literals_and_object_properties_do_not(
    ontology: Facts,
) -> None:
    for name in SECID_PROPERTIES:
        iri = SECID.iri(name)
        kinds = values(ontology, iri, RDF.type)
        for target in values(ontology, iri, RDFS.range):
            is_datatype = target.startswith(PREFIXES["xsd"]) or target == RDF.JSON.value
            assert is_datatype == (OWL.DatatypeProperty.value in kinds), (name, target)


def test_reserved_terms_say_why(ontology: Facts) -> None:
    for term in SECID:
        iri = SECID.iri(term)
        if values(ontology, iri, VS.term_status) == ["unstable"]:
            notes = values(ontology, iri, SKOS.editorialNote)
            assert notes and notes[0].startswith("Reserved:"), term


def used_terms(conversion: Conversion) -> set[str]:
    """Every SecID ontology term the data uses as a predicate, class or object."""
    used = set()
    for quad in conversion.quads:
        for term in (quad.predicate, quad.object):
            if isinstance(term, NamedNode) and term.value.startswith(SECID_NAMESPACE):
                used.add(term.value[len(SECID_NAMESPACE) :])
    return used


def test_every_term_is_used_on_the_corpora_or_reserved(
    ontology: Facts, corpus_conversions: dict[str, tuple[Registry, Conversion]]
) -> None:
    used: set[str] = set()
    for name in REGISTRY_NAMES:
        used |= used_terms(corpus_conversions[name][1])
    reserved = {
        term for term in SECID if values(ontology, SECID.iri(term), VS.term_status) == ["unstable"]
    }
    # the status concepts live in the ontology, so only they point at their scheme
    unused = set(SECID) - used - reserved
    assert unused == set(), "declared, never produced, not marked reserved"
    assert reserved & used == set(), "marked reserved but produced: mark it stable"


def test_a_misspelt_term_raises_instead_of_minting_an_iri() -> None:
    with pytest.raises(AttributeError, match="not a term of secid"):
        SECID.hasSoruce  # noqa: B018
    with pytest.raises(KeyError):
        SECID["statusNotes"]


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: repr(v).split("'")[1])
def test_no_vocabulary_attribute_hides_a_term(vocabulary: Vocabulary) -> None:
    for name in vocabulary:
        term = getattr(vocabulary, name) if name.isidentifier() else vocabulary[name]
        assert isinstance(term, NamedNode) and term.value.endswith(name)
