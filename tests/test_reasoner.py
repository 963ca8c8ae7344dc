"""The ontology and the registries' graphs under an OWL 2 DL reasoner (HermiT).

HermiT runs in Java through owlready2. Without Java the tests skip, saying how to install
it, except in CI (``CI`` set), where a missing Java is a failure: ``.ci/run`` installs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import registry_path, require_tool
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from secid_rdf.export.run import registry_to_quads
from secid_rdf.resources import bundled_registry_path, ontology_path
from secid_rdf.vocab import PREFIXES, RDF, SECID

owlready2 = pytest.importorskip("owlready2")

INSTALL = "apt-get install -y default-jre-headless"

OWL2_DATATYPES = {
    PREFIXES["xsd"] + name
    for name in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
        "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
        "base64Binary anyURI dateTime dateTimeStamp"
    ).split()
} | {RDF.langString.value, PREFIXES["rdfs"] + "Literal"}
"""The OWL 2 datatype map (OWL 2 Structural Specification, section 4)."""

READ_BY_HERMIT = OWL2_DATATYPES | {PREFIXES["xsd"] + "date"}
"""What HermiT reads: the map, and ``xsd:date`` (measured: registry dates pass)."""


@pytest.fixture(scope="module")
def java() -> None:
    require_tool(shutil.which("java"), "HermiT needs Java", INSTALL)


def ontology_and(quads: list[Quad]) -> bytes:
    """N-Triples of the ontology and the quads' triples (owlready2 reads no Turtle)."""
    triples = [q.triple for q in parse(path=ontology_path(), format=RdfFormat.TURTLE)]
    triples += [q.triple for q in quads]
    return serialize(triples, format=RdfFormat.N_TRIPLES)


def consistent(data: bytes, tmp_path: Path) -> bool:
    """Whether HermiT finds ``data`` (N-Triples) consistent.

    ``rdf:JSON`` (RDF 1.1, younger than OWL 2) is the one datatype outside what HermiT
    reads; :func:`test_only_kept_keys_use_a_datatype_hermit_does_not_read` keeps it so,
    and HermiT is told to take its literals as opaque values.
    """
    file = tmp_path / "graph.nt"
    file.write_bytes(data)
    world = owlready2.World()
    world.get_ontology(file.as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


@pytest.fixture(scope="module")
def bundled_quads() -> list[Quad]:
    return list(registry_to_quads(bundled_registry_path()).quads)


def test_only_kept_keys_use_a_datatype_hermit_does_not_read(bundled_quads: list[Quad]) -> None:
    quads = [*parse(path=ontology_path(), format=RdfFormat.TURTLE), *bundled_quads]
    datatypes = {q.object.datatype.value for q in quads if isinstance(q.object, Literal)}
    ranges = {
        q.object.value
        for q in quads
        if q.predicate.value == PREFIXES["rdfs"] + "range"
        and q.object.value.startswith((PREFIXES["xsd"], PREFIXES["rdf"]))
    }
    assert (datatypes | ranges) - READ_BY_HERMIT == {RDF.JSON.value}


def test_ontology_and_bundled_registry_are_consistent(
    java: None, bundled_quads: list[Quad], tmp_path: Path
) -> None:
    assert consistent(ontology_and(bundled_quads), tmp_path)


@pytest.mark.parametrize("name", ["markdown", "json"])
def test_ontology_and_each_corpus_are_consistent(java: None, name: str, tmp_path: Path) -> None:
    """The corpora hold doi.org's ``[^\\s]``, once written with characters HermiT refuses."""
    quads = list(registry_to_quads(registry_path(name)).quads)
    assert consistent(ontology_and(quads), tmp_path)


def test_reasoner_finds_a_contradiction(
    java: None, bundled_quads: list[Quad], tmp_path: Path
) -> None:
    """The check can fail: secido:depth is functional, so two depths contradict."""
    node = next(q.subject for q in bundled_quads if q.predicate == SECID.depth)
    assert isinstance(node, NamedNode)
    twice = Quad(node, SECID.depth, Literal("99", datatype=NamedNode(PREFIXES["xsd"] + "integer")))
    assert not consistent(ontology_and([*bundled_quads, twice]), tmp_path)
