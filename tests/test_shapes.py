"""The SHACL shapes, tested as code.

Every constraint shape has ``tests/fixtures/shapes/<local name>/``: ``PASS.ttl`` must
conform completely, ``FAIL.ttl`` must give exactly the results in ``expected.json``
(focus node, path, severity, shape) — compared as sets, never as report text. Each fixture
runs on pyshacl (the reference engine) over rdflib and over Oxigraph, and on pyshacl-turbo
(the default engine): three SPARQL and regex engines must give the same verdicts.
Meta-tests check that the shapes use only real SHACL terms, conform to SHACL-for-SHACL,
and that every constraint has its fixture pair.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF

from secid_rdf.findings import Severity
from secid_rdf.iris import status_iri
from secid_rdf.validate.shacl import SHAPES_NAMESPACE, format_term, load_shapes, run_shacl
from secid_rdf.vocab import SECID, SECID_NAMESPACE, SECID_STATUSES, STATUS_SCHEME

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
PYSHACL_ASSETS = Path(pyshacl.__file__).parent / "assets"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SHAPES = load_shapes()
DATA_PREFIXES = {"id:": "https://w3id.org/secid/id/", "ex:": "https://example.org/"}
SEVERITY_WORDS = {Severity.ERROR: "Violation", Severity.WARNING: "Warning", Severity.INFO: "Info"}

# Shape-level keys that organise shapes rather than constrain values.
NON_CONSTRAINT_KEYS = {
    RDF.type,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.severity,
    SH.message,
    SH.path,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    rdflib.RDFS.label,
    rdflib.RDFS.comment,
}


def compact(term: rdflib.term.Node) -> str:
    """A short name for a fixture IRI (``id:reference/aisi``) or a vocabulary term."""
    text = str(term)
    for prefix, namespace in DATA_PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return format_term(SHAPES, term)


ENGINES = {
    # name: (SHACL engine, data held in)
    "pyshacl-rdflib": ("pyshacl", "rdflib"),
    "pyshacl-oxigraph": ("pyshacl", "oxigraph"),
    "turbo-oxigraph": ("turbo", "oxigraph"),
}


def result_set(path: Path, engine: str) -> set[tuple[str, str | None, str, str]]:
    """The (focus, path, severity, shape) of every result of validating a fixture."""
    shacl_engine, backend = ENGINES[engine]
    data: rdflib.Graph | pyoxigraph.Store
    if backend == "rdflib":
        data = rdflib.Graph().parse(path, format="turtle")
    else:
        data = pyoxigraph.Store()
        data.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return {
        (compact(r.focus), r.path, SEVERITY_WORDS[r.severity], r.shape)
        for r in run_shacl(data, SHAPES, engine=shacl_engine)
    }


def constraint_shapes(shapes: rdflib.Graph) -> set[str]:
    """Local names of the named shapes that carry a constraint of their own."""
    names = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            text = str(shape)
            if (
                text.startswith(SHAPES_NAMESPACE)
                and set(shapes.predicates(shape)) - NON_CONSTRAINT_KEYS
            ):
                names.add(text[len(SHAPES_NAMESPACE) :])
    return names


FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pass_fixture_conforms(name: str, engine: str) -> None:
    results = result_set(FIXTURES / name / "PASS.ttl", engine)
    assert results == set(), f"{name}/PASS.ttl should conform but gives {sorted(results)}"


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fail_fixture_gives_exactly_the_expected_results(name: str, engine: str) -> None:
    expected_doc = json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))
    expected = {
        (r["focus"], r.get("path"), r["severity"], r["shape"]) for r in expected_doc["results"]
    }
    results = result_set(FIXTURES / name / "FAIL.ttl", engine)
    assert results == expected, (
        f"{name}/FAIL.ttl: missing {sorted(expected - results)}, "
        f"unexpected {sorted(results - expected)}"
    )
    assert f"secidsh:{name}" in {shape for _, _, _, shape in results}, (
        f"{name}/FAIL.ttl never triggers the shape it is named after"
    )


def test_every_constraint_has_a_fixture_pair_and_no_fixture_is_orphaned() -> None:
    constraints = constraint_shapes(SHAPES)
    assert constraints, "no constraint shapes found: the meta-test would prove nothing"
    assert sorted(constraints - set(FIXTURE_NAMES)) == [], "constraints without fixtures"
    assert sorted(set(FIXTURE_NAMES) - constraints) == [], "fixtures without a constraint"
    for name in FIXTURE_NAMES:
        for file in ("PASS.ttl", "FAIL.ttl", "expected.json"):
            assert (FIXTURES / name / file).is_file(), f"{name}/{file} is missing"


def test_every_constraint_has_a_message_and_a_severity() -> None:
    for name in sorted(constraint_shapes(SHAPES)):
        node = rdflib.URIRef(SHAPES_NAMESPACE + name)
        assert list(SHAPES.objects(node, SH.message)), f"{name} has no sh:message"
        assert SHAPES.value(node, SH.severity) in {SH.Violation, SH.Warning, SH.Info}, (
            f"{name} has no explicit sh:severity"
        )


def shacl_vocabulary() -> set[str]:
    """Every term the SHACL vocabulary (shacl.ttl, as shipped with pyshacl) defines."""
    vocab = rdflib.Graph().parse(PYSHACL_ASSETS / "shacl.ttl", format="turtle")
    return {str(s) for s in vocab.subjects() if str(s).startswith(str(SH))}


def unknown_terms(shapes: rdflib.Graph) -> set[str]:
    """Terms of the shapes graph that nothing defines.

    That is: sh: terms SHACL does not define, secid: terms the ontology does not declare,
    and secidsh: predicates that are not declared constraint-component parameters.
    """
    shacl_terms = shacl_vocabulary()
    parameters = {
        str(path)
        for param in shapes.objects(None, SH.parameter)
        for path in shapes.objects(param, SH.path)
    }
    unknown = set()
    for triple in shapes:
        for position, term in enumerate(triple):
            text = str(term)
            if not isinstance(term, rdflib.URIRef):
                continue
            if text.startswith(str(SH)) and text not in shacl_terms:
                unknown.add(text)
            if text.startswith(SECID_NAMESPACE) and text[len(SECID_NAMESPACE) :] not in SECID:
                unknown.add(text)
            if position == 1 and text.startswith(SHAPES_NAMESPACE) and text not in parameters:
                unknown.add(text)
    return unknown


def test_shapes_use_only_real_shacl_and_ontology_terms() -> None:
    assert unknown_terms(SHAPES) == set()


def test_the_term_check_catches_a_misspelt_shacl_keyword() -> None:
    typo = rdflib.Graph()
    typo += SHAPES
    shape = rdflib.URIRef(SHAPES_NAMESPACE + "Namespace-established")
    typo.add((shape, SH.dataType, rdflib.XSD.gYear))
    typo.add((shape, rdflib.URIRef(SECID_NAMESPACE + "prefLabel"), rdflib.Literal("x")))
    assert unknown_terms(typo) == {str(SH.dataType), SECID_NAMESPACE + "prefLabel"}


def test_shapes_conform_to_shacl_for_shacl() -> None:
    shsh = rdflib.Graph().parse(PYSHACL_ASSETS / "shacl-shacl.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(SHAPES, shacl_graph=shsh, inference="none")
    assert conforms, text


def test_status_lists_are_exactly_the_ontology_status_scheme() -> None:
    declared = {status_iri(status).value for status in SECID_STATUSES}
    lists = [rdflib.collection.Collection(SHAPES, head) for head in SHAPES.objects(None, SH["in"])]
    status_lists = [
        {str(item) for item in items}
        for items in lists
        if any(str(item).startswith(STATUS_SCHEME.value + "/") for item in items)
    ]
    assert len(status_lists) >= 2
    for items in status_lists:
        assert items == declared


def test_every_ontology_class_is_the_target_of_a_shape() -> None:
    from secid_rdf.resources import ontology_path

    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    classes = {
        str(c)
        for c in ontology.subjects(RDF.type, rdflib.OWL.Class)
        if str(c).startswith(SECID_NAMESPACE)
    }
    targeted = {str(c) for c in SHAPES.objects(None, SH.targetClass)}
    assert classes, "the ontology declares no classes"
    assert sorted(classes - targeted) == []


def test_shapes_use_only_shacl_core_and_shacl_sparql_constraints() -> None:
    # A custom constraint component is skipped without a word by engines that lack
    # SHACL-SPARQL's component machinery; sh:sparql constraints are read by all of them.
    assert list(SHAPES.subjects(RDF.type, SH.ConstraintComponent)) == []
    assert list(SHAPES.objects(None, SH.parameter)) == []
    for validator in (SH.validator, SH.nodeValidator, SH.propertyValidator):
        assert list(SHAPES.objects(None, validator)) == []
