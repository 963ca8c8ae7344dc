"""Serialisation: every format is the same graph, and the bytes depend only on the graph.

Each format is read back by independent parsers; input order does not change the bytes; the
JSON-LD context is generated.
"""

from __future__ import annotations

import difflib
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat
from rdf_graphs import SYNTAX, parse_graph, pyld_graph, statements

from secid_rdf.export.run import registry_to_quads
from secid_rdf.findings import SecidRdfError, UnsupportedFormatError
from secid_rdf.formats.context import (
    CONTEXT_IRI,
    context_to_text,
    document_loader,
    ontology_to_context,
    read_context,
)
from secid_rdf.formats.jsonld import document_to_bytes
from secid_rdf.formats.serialize import FORMATS, serialize
from secid_rdf.iris import DEFAULT_BASE, encode_segment, graph_iri, status_iri
from secid_rdf.resources import bundled_registry_path, context_path, ontology_path
from secid_rdf.vocab import DCTERMS, RDF, RDFS, SECID, SECID_NAMESPACE, SKOS, XSD

ADVISORY = graph_iri("advisory")
REFERENCE = graph_iri("reference")
NS = NamedNode(DEFAULT_BASE + "advisory/mitre.org")
CVE = NamedNode(DEFAULT_BASE + "advisory/mitre.org/cve")
ODD = NamedNode(DEFAULT_BASE + "advisory/%2E%2E;node=0")
DOTS = NamedNode(DEFAULT_BASE + "advisory/..")
HOSTILE_TEXT = 'Quote " backslash \\ new\nline </script> & ünïcödé ✓'
ARXIV = NamedNode(DEFAULT_BASE + "reference/arxiv.org")


def sample_quads() -> list[Quad]:
    """A small graph with every kind of term the converter writes, plus awkward ones."""
    rows = [
        (NS, RDF.type, SECID.Namespace, ADVISORY),
        (NS, SECID.hasSource, CVE, ADVISORY),
        (NS, SECID.status, status_iri("active"), ADVISORY),
        (NS, RDFS.label, Literal("MITRE"), ADVISORY),
        (NS, SKOS.prefLabel, Literal("The MITRE Corporation", language="en"), ADVISORY),
        (NS, DCTERMS.identifier, Literal("secid:advisory/mitre.org"), ADVISORY),
        (NS, SECID.established, Literal("1958", datatype=XSD.integer), ADVISORY),
        (NS, SECID.prose, Literal(HOSTILE_TEXT), ADVISORY),
        (CVE, RDF.type, SECID.Source, ADVISORY),
        (CVE, SECID.namespace, NS, ADVISORY),
        (CVE, SECID.weight, Literal("100", datatype=XSD.integer), ADVISORY),
        (CVE, SECID.weight, Literal("not a number"), ADVISORY),  # does not fit the coercion
        (CVE, SECID.versionRequired, Literal("false", datatype=XSD.boolean), ADVISORY),
        (CVE, SECID.hasSource, Literal("a literal where an IRI belongs"), ADVISORY),
        (CVE, SECID.target, NamedNode("https://www.cve.org/Record?id=CVE-1%20x&y=é"), ADVISORY),
        (CVE, SECID.crossReference, NamedNode("secid:advisory/nvd.nist.gov/cve"), ADVISORY),
        (CVE, RDFS.seeAlso, NamedNode("secid:weakness/mitre.org/cwe"), ADVISORY),
        (CVE, SECID.extra, Literal('{"a": [1, 2]}', datatype=RDF.JSON), ADVISORY),
        (ODD, RDF.type, SECID.MatchNode, ADVISORY),
        (DOTS, RDF.type, SECID.Namespace, ADVISORY),
        (ARXIV, RDF.type, SECID.Namespace, REFERENCE),
        (ARXIV, RDFS.label, Literal("arXiv"), REFERENCE),
        (NS, RDFS.label, Literal("MITRE"), REFERENCE),  # the same triple in two graphs
    ]
    return [Quad(s, p, o, g) for s, p, o, g in rows]


def expected_triples(quads: list[Quad]) -> set[str]:
    return {str(quad.triple) for quad in quads}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_reads_back_as_the_same_graph(name: str) -> None:
    quads = sample_quads()
    data = serialize(quads, name, base=DEFAULT_BASE)
    assert parse_graph(data, FORMATS[name].file_name) == expected_triples(quads)


def test_every_format_has_a_file_and_a_media_type() -> None:
    assert {fmt.file_name for fmt in FORMATS.values()} == set(SYNTAX)
    assert {fmt.media_type for fmt in FORMATS.values()} == {
        "text/turtle",
        "application/n-triples",
        "application/n-quads",
        "application/ld+json",
    }


def test_nquads_keeps_one_named_graph_per_type() -> None:
    quads = sample_quads()
    data = serialize(quads, "nquads")
    from pyoxigraph import parse

    read = {(str(q.triple), q.graph_name.value) for q in parse(data, format=RdfFormat.N_QUADS)}
    assert read == {(str(q.triple), q.graph_name.value) for q in quads}
    assert {graph for _, graph in read} == {ADVISORY.value, REFERENCE.value}


@pytest.mark.parametrize("name", ["ntriples", "nquads"])
def test_line_formats_are_sorted_and_distinct(name: str) -> None:
    lines = serialize(sample_quads(), name).decode().splitlines()
    assert lines == sorted(set(lines), key=str.encode)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_bytes_do_not_depend_on_input_order(name: str) -> None:
    quads = sample_quads()
    first = serialize(quads, name, base=DEFAULT_BASE)
    for seed in range(3):
        shuffled = list(quads)
        random.Random(seed).shuffle(shuffled)
        assert serialize(shuffled, name, base=DEFAULT_BASE) == first


def test_turtle_has_readable_prefixes_and_relative_data_iris() -> None:
    text = serialize(sample_quads(), "turtle", base=DEFAULT_BASE).decode()
    assert f"@base <{DEFAULT_BASE}> ." in text
    assert "@prefix secido: <https://w3id.org/secid/ontology#> ." in text
    assert "\n<advisory/mitre.org>\n\ta secido:Namespace ;\n" in text
    assert "\tsecido:status <vocab/status/active>" in text
    # other IRIs stay absolute, never relative to the base's scheme or host
    assert "<https://www.cve.org/Record?id=CVE-1%20x&y=é>" in text
    # a dot segment would be resolved away if written relative: it must stay absolute
    assert f"\n<{DOTS.value}>\n" in text


def test_turtle_groups_each_subject_once_in_iri_order() -> None:
    text = serialize(sample_quads(), "turtle", base=DEFAULT_BASE).decode()
    subjects = [line for line in text.splitlines() if line.startswith("<")]
    assert len(subjects) == len(set(subjects))
    assert subjects.index("<advisory/mitre.org>") < subjects.index("<advisory/mitre.org/cve>")


def test_turtle_one_field_change_gives_a_small_diff() -> None:
    quads = sample_quads()
    big = quads + [
        Quad(NamedNode(f"{NS.value}/s{i}"), RDFS.label, Literal(f"source {i}"), ADVISORY)
        for i in range(200)
    ]
    changed = [
        Quad(q.subject, q.predicate, Literal("source 100 renamed"), q.graph_name)
        if q.object == Literal("source 100")
        else q
        for q in big
    ]
    before = serialize(big, "turtle", base=DEFAULT_BASE).decode().splitlines()
    after = serialize(changed, "turtle", base=DEFAULT_BASE).decode().splitlines()
    diff = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ['-\trdfs:label "source 100" .', '+\trdfs:label "source 100 renamed" .']


def test_jsonld_is_compacted_with_our_context_and_sorted() -> None:
    document = json.loads(serialize(sample_quads(), "jsonld"))
    assert document["@context"] == read_context()["@context"]
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    # a data IRI is written as its SecID: the "secid" prefix is the data base
    mitre = next(node for node in document["@graph"] if node["@id"] == "secid:advisory/mitre.org")
    assert mitre["@type"] == "Namespace"
    assert mitre["hasSource"] == "secid:advisory/mitre.org/cve"
    assert mitre["status"] == "secidv:status/active"
    assert mitre["established"] == "1958"
    cve = next(node for node in document["@graph"] if node["@id"] == "secid:advisory/mitre.org/cve")
    assert cve["weight"] == "100"
    assert cve["secido:weight"] == "not a number"


def test_jsonld_text_has_sorted_keys() -> None:
    text = serialize(sample_quads(), "jsonld").decode()
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_jsonld_expands_offline_with_pyld_to_the_same_graph() -> None:
    quads = sample_quads()
    assert pyld_graph(serialize(quads, "jsonld")) == expected_triples(quads)


def test_iri_with_a_context_prefix_as_scheme_keeps_its_meaning() -> None:
    # "secid:" is both a context prefix and the scheme of these IRIs
    quads = sample_quads()
    data = serialize(quads, "jsonld")
    target = "<secid:advisory/nvd.nist.gov/cve>"
    for read in (pyld_graph(data), statements(data, RdfFormat.JSON_LD)):
        assert f"<{CVE.value}> <{SECID.crossReference.value}> {target}" in read


def test_a_secid_string_is_the_compact_iri_of_its_resource() -> None:
    document = {
        "@context": read_context()["@context"],
        "id": "secid:advisory/mitre.org/cve",
        "type": "Source",
        "crossReference": "secid:weakness/mitre.org/cwe",
    }
    (node,) = jsonld.expand(document)
    assert node["@id"] == "https://w3id.org/secid/advisory/mitre.org/cve"
    assert node["@type"] == [SECID.Source.value]
    assert node[SECID.crossReference.value] == [
        {"@id": "https://w3id.org/secid/weakness/mitre.org/cwe"}
    ]


def test_pyld_compacts_real_iris_with_our_context_and_keeps_the_graph() -> None:
    # the bundled registry's graph: every data IRI compacts to its SecID under "secid"
    quads = list(registry_to_quads(bundled_registry_path()).quads)
    nquads = serialize(quads, "nquads").decode()
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, {"@context": read_context()["@context"]})
    text = json.dumps(compacted)
    assert '"id": "secid:advisory/' in text
    assert pyld_graph(text.encode("utf-8")) == expected_triples(quads)


def test_turtle_binds_secid_to_the_data_base() -> None:
    base = "https://example.org/kg/"
    quads = [Quad(NamedNode(base + "advisory"), RDFS.label, Literal("advisory"), ADVISORY)]
    text = serialize(quads, "turtle", base=base).decode()
    assert f"@prefix secid: <{base}> ." in text
    assert "\nsecid:advisory\n" in text
    assert statements(text.encode("utf-8"), RdfFormat.TURTLE) == expected_triples(quads)


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        serialize(sample_quads(), "rdfxml")
    assert caught.value.choices == tuple(sorted(FORMATS))


def test_shipped_context_is_what_the_generator_makes_from_the_ontology() -> None:
    generated = context_to_text(ontology_to_context(ontology_path()))
    assert context_path().read_text(encoding="utf-8") == generated, (
        "secid_rdf/data/context.jsonld is stale: run `python -m secid_rdf.formats.context`"
    )


def test_context_has_a_term_for_every_ontology_class_and_property() -> None:
    from pyoxigraph import parse

    from secid_rdf.vocab import OWL

    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    declared = {
        q.subject.value.rsplit("#", 1)[1]
        for q in parse(path=ontology_path(), format=RdfFormat.TURTLE)
        if q.predicate == RDF.type
        and q.object in kinds
        and q.subject.value.startswith(SECID_NAMESPACE)
    }
    terms = read_context()["@context"]
    assert declared and declared <= set(terms)
    assert terms["hasSource"] == {"@id": "secido:hasSource", "@type": "@id"}
    assert terms["weight"] == {"@id": "secido:weight", "@type": "xsd:integer"}


def test_document_loader_serves_only_our_context() -> None:
    assert document_loader(CONTEXT_IRI)["document"] == read_context()
    with pytest.raises(SecidRdfError, match="offline"):
        document_loader("https://schema.org/")


@pytest.mark.parametrize("base", ["https://example.org/kg#", "https://example.org/a/../kg/"])
def test_turtle_without_a_plain_base_writes_absolute_iris(base: str) -> None:
    quads = [Quad(NamedNode(base + "advisory/x"), RDFS.label, Literal("x"), ADVISORY)]
    text = serialize(quads, "turtle", base=base).decode()
    assert "@base" not in text
    assert parse_graph(text.encode(), "secid.ttl") == expected_triples(quads)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    segments=st.lists(TEXT, min_size=1, max_size=3),
    literal=TEXT,
    language=st.sampled_from([None, "en", "en-gb", "de"]),
    number=st.integers(),
)
def test_any_registry_text_round_trips_through_every_format(
    segments: list[str], literal: str, language: str | None, number: int
) -> None:
    subject = NamedNode(DEFAULT_BASE + "advisory/" + "/".join(map(encode_segment, segments)))
    quads = [
        Quad(subject, RDFS.label, Literal(literal, language=language), ADVISORY),
        Quad(subject, SECID.weight, Literal(str(number), datatype=XSD.integer), ADVISORY),
        Quad(subject, SECID.hasSource, NamedNode(subject.value + ";node=0"), ADVISORY),
    ]
    for name, fmt in FORMATS.items():
        data = serialize(quads, name, base=DEFAULT_BASE)
        assert parse_graph(data, fmt.file_name) == expected_triples(quads), name


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(TEXT, JSON_VALUES, max_size=5))
def test_json_writer_matches_the_standard_encoder(value: dict[str, object]) -> None:
    expected = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document_to_bytes(value) == expected.encode("utf-8")


def test_turtle_writes_blank_nodes_and_tagged_literals_as_the_same_graph() -> None:
    """Terms the converter never makes still come out right: Turtle reads back isomorphic."""
    from pyoxigraph import BlankNode
    from rdflib import Graph
    from rdflib.compare import isomorphic

    blank, other = BlankNode("b1"), BlankNode("b2")
    quads = [
        Quad(blank, RDFS.label, Literal('ends with a quote"', language="en"), ADVISORY),
        Quad(blank, RDFS.seeAlso, other, ADVISORY),
        Quad(other, SECID.weight, Literal("7", datatype=XSD.integer), ADVISORY),
        Quad(other, RDFS.label, Literal('plain "quoted"'), ADVISORY),
        Quad(NS, RDFS.seeAlso, blank, ADVISORY),
    ]
    turtle = Graph().parse(data=serialize(quads, "turtle", base=DEFAULT_BASE), format="turtle")
    ntriples = Graph().parse(data=serialize(quads, "ntriples"), format="nt")
    assert len(turtle) == len(quads)
    assert isomorphic(turtle, ntriples)
