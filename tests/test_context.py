"""The JSON-LD context generator on ontologies other than the shipped one."""

from __future__ import annotations

from pathlib import Path

from secid_rdf.formats.context import ontology_to_context

PREAMBLE = """\
@prefix secido: <https://w3id.org/secid/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def terms_of(tmp_path: Path, turtle: str) -> dict[str, object]:
    """The context terms generated from an ontology holding ``turtle``."""
    ontology = tmp_path / "ontology.ttl"
    ontology.write_text(PREAMBLE + turtle, encoding="utf-8")
    terms: dict[str, object] = ontology_to_context(ontology)["@context"]
    return terms


def test_plain_property_with_an_xsd_range_is_coerced_to_it(tmp_path: Path) -> None:
    # declared only as rdf:Property: the XSD range alone says it is a datatype property
    terms = terms_of(tmp_path, "secido:released a rdf:Property ; rdfs:range xsd:date .\n")
    assert terms["released"] == {"@id": "secido:released", "@type": "xsd:date"}


def test_plain_property_with_a_class_range_is_coerced_to_id(tmp_path: Path) -> None:
    terms = terms_of(tmp_path, "secido:owner a rdf:Property ; rdfs:range owl:Thing .\n")
    assert terms["owner"] == {"@id": "secido:owner", "@type": "@id"}
