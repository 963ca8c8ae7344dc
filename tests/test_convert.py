"""The converter: model → quads, checked with pyoxigraph.

Small models, the seed file's golden graph, and acceptance checks over the bundled registry
and both corpora.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import JAVASCRIPT_TEMPLATE, REGISTRY_NAMES, plant_javascript_template
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from secid_rdf.convert.builder import (
    RULE_DUPLICATE,
    RULE_INVALID_IRI,
    RULE_INVALID_REFERENCE,
    RULE_UNTRANSLATABLE_REGEX,
    Conversion,
    registry_to_graph,
)
from secid_rdf.findings import InvalidIriError, Location, Severity
from secid_rdf.formats.serialize import serialize
from secid_rdf.iris import DEFAULT_BASE, content_key, graph_iri, status_iri, url_kind_iri
from secid_rdf.model import (
    Example,
    Extra,
    IdPattern,
    MatchNode,
    Namespace,
    Registry,
    Source,
    Url,
    Variable,
    Version,
)
from secid_rdf.read.registry import read_registry
from secid_rdf.resources import bundled_registry_path
from secid_rdf.vocab import (
    DCTERMS,
    FOAF,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SECID,
    SECID_NAMESPACE,
    SKOS,
    XSD,
)

GOLDEN = Path(__file__).parent / "golden" / "aisi.ttl"
ID = "https://w3id.org/secid/"
HERE = Location("advisory/org/example.md", 1)


def at(line: int, field: str | None = None) -> Location:
    return Location(HERE.file, line, field)


def namespace(**fields: object) -> Namespace:
    values: dict[str, object] = {
        "type": "advisory",
        "namespace": "example.org",
        "files": (HERE.file,),
        "format": "markdown",
        "official_name": "Example",
        "location": HERE,
    }
    values.update(fields)
    return Namespace(**values)  # type: ignore[arg-type]


def literal_source(name: str, **fields: object) -> Source:
    """A source of ``example.org`` with its literal name and the SecID the reader gives it."""
    return Source(name=name, secid=f"secid:advisory/example.org/{name}", **fields)  # type: ignore[arg-type]


def convert(
    *namespaces: Namespace, base: str = DEFAULT_BASE, commit: str | None = None
) -> Conversion:
    registry = Registry(root=Path("."), types=(), namespaces=namespaces, commit=commit)
    return registry_to_graph(registry, base=base)


def objects(conversion: Conversion, subject: str, predicate: NamedNode) -> list[str]:
    """Objects as N-Triples text (``<iri>`` or ``"literal"^^...``), sorted."""
    return sorted(
        str(q.object)
        for q in conversion.quads
        if q.subject.value == subject and q.predicate == predicate
    )


def subjects(conversion: Conversion) -> set[str]:
    return {q.subject.value for q in conversion.quads}


# -- small models ---------------------------------------------------------------------


def test_namespace_and_source_carry_their_secids_and_point_at_each_other() -> None:
    result = convert(
        namespace(
            sources=(
                literal_source(
                    "cve",
                    location=at(5, "sources.cve"),
                ),
            )
        )
    )
    ns, src = f"{ID}advisory/example.org", f"{ID}advisory/example.org/cve"
    assert objects(result, ns, DCTERMS.identifier) == ['"secid:advisory/example.org"']
    assert objects(result, src, DCTERMS.identifier) == ['"secid:advisory/example.org/cve"']
    assert objects(result, ns, SECID.hasSource) == [f"<{src}>"]
    assert objects(result, src, SECID.namespace) == [f"<{ns}>"]
    assert objects(result, src, RDF.type) == [
        f"<{SCHEMA.DefinedTermSet.value}>",
        f"<{SECID.Source.value}>",
    ]
    assert objects(result, ns, SECID.secidType) == [f"<{ID}advisory>"]
    assert objects(result, src, SECID.depth) == [str(Literal(0))]


def test_namespace_and_source_say_what_a_search_engine_reads() -> None:
    """schema.org name, description, url, provider and parts: what a crawler reads."""
    website = Url(kind="website", value="https://example.org/", location=at(3))
    cve = literal_source(
        "cve",
        official_name="CVE List",
        description="Vulnerabilities.",
        urls=(Url(kind="website", value="https://example.org/cve", location=at(6)),),
        location=at(5, "sources.cve"),
    )
    bare = literal_source("bare", location=at(8, "sources.bare"))
    result = convert(
        namespace(
            description="A publisher.",
            operator="secid:entity/example.org",
            urls=(website,),
            sources=(cve, bare),
        )
    )
    ns = f"{ID}advisory/example.org"
    src, other = f"{ns}/cve", f"{ns}/bare"
    operator = f"<{ID}entity/example.org>"
    assert f"<{SCHEMA.Collection.value}>" in objects(result, ns, RDF.type)
    assert objects(result, ns, SCHEMA.name) == ['"Example"']
    assert objects(result, ns, SCHEMA.description) == ['"A publisher."']
    assert objects(result, ns, SCHEMA.url) == ["<https://example.org/>"]
    assert objects(result, ns, SCHEMA.provider) == [operator]
    assert objects(result, ns, SCHEMA.hasPart) == [f"<{other}>", f"<{src}>"]
    assert objects(result, src, SCHEMA.name) == ['"CVE List"']
    assert objects(result, src, SCHEMA.description) == ['"Vulnerabilities."']
    assert objects(result, src, SCHEMA.url) == ["<https://example.org/cve>"]
    assert objects(result, src, SCHEMA.provider) == [operator]
    # a source without a full name is named by its SecID name; no operator, no provider
    assert objects(result, other, SCHEMA.name) == ['"bare"']
    assert objects(result, other, SCHEMA.description) == []
    lone = convert(namespace(official_name=None, sources=(bare,)))
    assert objects(lone, ns, SCHEMA.name) == ['"example.org"']
    assert objects(lone, other, SCHEMA.provider) == []


def test_every_quad_is_in_its_types_graph_sorted_and_unique() -> None:
    result = convert(
        namespace(urls=(Url(kind="website", value="https://example.org/", location=at(3)),)),
        namespace(
            type="weakness",
            urls=(Url(kind="website", value="https://example.org/", location=at(3)),),
        ),
    )
    graphs = {q.graph_name.value for q in result.quads}
    assert graphs == {graph_iri("advisory").value, graph_iri("weakness").value}
    texts = [str(q) for q in result.quads]
    assert texts == sorted(set(texts))
    # the URL kind concept is declared in each graph that uses it
    kind = "https://w3id.org/secid/vocab/urlkind/website"
    assert sum(1 for q in result.quads if q.subject.value == kind and q.predicate == RDF.type) == 2


def test_labels_come_only_from_names_the_registry_gives() -> None:
    result = convert(namespace(official_name=None, common_name="EX", alternate_names=("Ex Org",)))
    ns = f"{ID}advisory/example.org"
    assert objects(result, ns, SKOS.prefLabel) == []
    assert objects(result, ns, SKOS.altLabel) == ['"EX"', '"Ex Org"']


def test_country_tags_are_country_iris_and_other_tags_concepts_by_value() -> None:
    ns = namespace(tags=(("country", "US"), ("country", "EU"), ("region", "EU/EEA")))
    result = convert(ns)
    subject = f"{ID}advisory/example.org"
    usa = "<http://publications.europa.eu/resource/authority/country/USA>"
    eu = "<https://w3id.org/secid/vocab/tag/country/EU>"
    region = "<https://w3id.org/secid/vocab/tag/region/EU%2FEEA>"
    assert sorted(objects(result, subject, SECID.tag)) == sorted([usa, eu, region])
    assert sorted(objects(result, subject, DCTERMS.spatial)) == sorted([usa, eu])
    # the standard country IRI is not redeclared; the other tags are concepts of their scheme
    assert objects(result, usa[1:-1], SKOS.inScheme) == []
    assert objects(result, region[1:-1], SKOS.inScheme) == ["<https://w3id.org/secid/vocab/tag>"]
    assert not any(q.subject.value.startswith(SECID_NAMESPACE) for q in result.quads)


def test_urls_become_iris_and_templates_stay_literals() -> None:
    urls = (
        Url(kind="website", value="https://example.org/", location=at(3)),
        Url(kind="lookup", value="https://example.org/a/{id}?y={year}", location=at(4)),
    )
    result = convert(namespace(sources=(literal_source("db", urls=urls, location=at(5)),)))
    src = f"{ID}advisory/example.org/db"
    assert objects(result, src, FOAF.page) == ["<https://example.org/>"]
    assert objects(result, src, FOAF.homepage) == []  # inverse-functional: not used
    link = f"{src}?!url=website,https://example.org/"
    assert objects(result, link, SECID.target) == ["<https://example.org/>"]
    template = f"{src}?!url=lookup,https://example.org/a/%7Bid%7D?y=%7Byear%7D"
    assert objects(result, src, SECID.hasUrlTemplate) == [f"<{template}>"]
    assert objects(result, template, SECID.template) == ['"https://example.org/a/{id}?y={year}"']
    assert objects(result, template, SECID.placeholder) == ['"id"', '"year"']
    assert objects(result, template, SECID.target) == []


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        ("not a url", Severity.ERROR),
        ("www.example.org", Severity.ERROR),
    ],
)
def test_a_url_that_is_not_an_iri_is_reported_at_its_line_and_left_out(
    value: str, severity: Severity
) -> None:
    result = convert(namespace(urls=(Url(kind="docs", value=value, location=at(9, "urls.docs")),)))
    (finding,) = result.findings
    assert (finding.location, finding.severity, finding.rule) == (
        at(9, "urls.docs"),
        severity,
        RULE_INVALID_IRI,
    )
    assert repr(value) in finding.message
    assert all(value not in str(q.object) for q in result.quads)
    assert not any("?!url=" in subject for subject in subjects(result))


def test_a_url_that_only_needs_percent_encoding_is_kept_encoded_with_a_warning() -> None:
    value = "https://example.org/s#f=[Security Advisory]"
    result = convert(namespace(urls=(Url(kind="docs", value=value, location=at(9, "urls.docs")),)))
    (finding,) = result.findings
    assert (finding.location, finding.severity, finding.rule) == (
        at(9, "urls.docs"),
        Severity.WARNING,
        RULE_INVALID_IRI,
    )
    targets = sorted(str(q.object) for q in result.quads if q.predicate == SECID.target)
    assert targets == ["<https://example.org/s#f=%5BSecurity%20Advisory%5D>"]


def test_fixed_resolution_url_is_a_template_entry_with_a_target_iri() -> None:
    node = literal_source(
        "doc",
        url_template=Url(kind="lookup", value="https://example.org/doc.pdf", location=at(7)),
        location=at(6),
    )
    result = convert(namespace(sources=(node,)))
    entry = f"{ID}advisory/example.org/doc?!template"
    assert objects(result, entry, SECID.target) == ["<https://example.org/doc.pdf>"]
    assert objects(result, entry, SECID.template) == []
    assert objects(result, f"{ID}advisory/example.org/doc", SECID.hasUrlTemplate) == [f"<{entry}>"]


@pytest.mark.parametrize("layout", ["markdown", "json"])
def test_a_javascript_template_is_reported_at_its_line_and_left_out(
    tmp_path: Path, layout: str
) -> None:
    planted = plant_javascript_template(tmp_path, layout)
    result = registry_to_graph(read_registry(planted.registry))
    (finding,) = result.findings
    assert str(finding).startswith(planted.where)
    assert f"'{JAVASCRIPT_TEMPLATE}" in finding.message and "is not a web URL" in finding.message
    assert not [quad for quad in result.quads if JAVASCRIPT_TEMPLATE in str(quad)]


def test_regex_named_and_repeated_sources_are_named_by_their_content() -> None:
    regex = IdPattern(regex=r"(?i)^\d{4}\.\d{5}$", location=at(3))
    a = IdPattern(regex="^a$", location=at(5))
    sources = (
        Source(name=None, patterns=(regex,), location=at(2)),
        literal_source("a", patterns=(a,), location=at(4)),
        literal_source("a", patterns=(a,), location=at(6)),
    )
    result = convert(namespace(sources=sources))
    ns = f"{ID}advisory/example.org"
    nameless = f"{ns}?!node={content_key([regex.regex], None, None)}"
    repeated = f"{ns}?!node={content_key(['^a$'], None, None)}"
    assert objects(result, ns, SECID.hasSource) == sorted(
        [f"<{ns}/a>", f"<{nameless}>", f"<{repeated}>"]
    )
    assert objects(result, repeated, DCTERMS.identifier) == []
    pattern = f"{nameless}&!match=(?i)%5E%5Cd%7B4%7D%5C.%5Cd%7B5%7D$"
    assert objects(result, pattern, SECID.xpathRegex) == [r'"^\\d{4}\\.\\d{5}$"']
    assert objects(result, pattern, SECID.regexFlags) == ['"i"']
    assert [(f.rule, f.location) for f in result.findings] == [(RULE_DUPLICATE, at(6))]


def test_duplicate_namespace_is_reported_once_and_not_merged() -> None:
    second = namespace(official_name="Other", location=Location("advisory/org/example.json", 1))
    result = convert(namespace(), second)
    assert [f.rule for f in result.findings] == [RULE_DUPLICATE]
    assert objects(result, f"{ID}advisory/example.org", SKOS.prefLabel) == ['"Example"']


def test_match_tree_keeps_depth_weight_parent_and_what_each_node_matches() -> None:
    child = MatchNode(
        patterns=(IdPattern(regex=r"^4\.0$", location=at(8)),),
        weight=90,
        url_template=Url(
            kind="lookup", value="https://example.org/v{version}/{id}", location=at(9)
        ),
        variables=(
            Variable(name="year", extract=r"^CVE-(\d{4})-", format="lower", location=at(10)),
        ),
        location=at(7),
    )
    result = convert(
        namespace(
            sources=(
                literal_source(
                    "s",
                    children=(child,),
                    location=at(5),
                ),
            )
        )
    )
    template = child.url_template
    assert template is not None
    key = content_key([r"^4\.0$"], template.value, None)
    node = f"{ID}advisory/example.org/s?!node={key}"
    assert objects(result, f"{ID}advisory/example.org/s", SECID.hasChild) == [f"<{node}>"]
    assert objects(result, node, SECID.parent) == [f"<{ID}advisory/example.org/s>"]
    assert objects(result, node, SECID.depth) == [str(Literal(1))]
    assert objects(result, node, SECID.weight) == [str(Literal(90))]
    assert objects(result, node, SECID.matchPattern) == [f"<{node}&!match=%5E4%5C.0$>"]
    assert objects(result, f"{node}&!template", SECID.placeholder) == ['"id"', '"version"']
    variable = f"{node}&!var=year"
    assert objects(result, node, SECID.hasVariable) == [f"<{variable}>"]
    assert objects(result, variable, SECID.extractPattern) == [r'"^CVE-(\\d{4})-"']
    assert objects(result, variable, SECID.extractXPath) == [r'"^CVE-(\\d{4})-"']
    assert objects(result, variable, SECID.regexFlags) == ['""']
    assert objects(result, variable, SECID.valueFormat) == ['"lower"']


def test_untranslatable_regex_keeps_the_original_and_is_reported() -> None:
    pattern = IdPattern(regex=r"(?<=A)B", location=at(4, "sources.s.id_pattern"))
    result = convert(
        namespace(
            sources=(
                literal_source(
                    "s",
                    id_patterns=(pattern,),
                    location=at(3),
                ),
            )
        )
    )
    subject = f"{ID}advisory/example.org/s?!pattern=(?%3C=A)B"
    assert objects(result, subject, SECID.regex) == ['"(?<=A)B"']
    assert objects(result, subject, SECID.xpathRegex) == []
    (finding,) = result.findings
    assert (finding.rule, finding.severity, finding.location) == (
        RULE_UNTRANSLATABLE_REGEX,
        Severity.WARNING,
        pattern.location,
    )


def test_references_become_iris_whether_or_not_the_target_exists() -> None:
    entity = namespace(type="entity", namespace="example.org")
    source = literal_source(
        "s",
        cross_references=("secid:weakness/mitre.org/cwe", "see CWE"),
        deprecated_by="secid:advisory/example.org/t",
        location=at(3),
    )
    result = convert(
        namespace(operator="secid:entity/example.org/psirt", sources=(source,)), entity
    )
    ns, src = f"{ID}advisory/example.org", f"{ID}advisory/example.org/s"
    assert objects(result, ns, SECID.operator) == [f"<{ID}entity/example.org/psirt>"]
    assert objects(result, src, SECID.crossReference) == [f"<{ID}weakness/mitre.org/cwe>"]
    assert objects(result, src, DCTERMS.isReplacedBy) == [f"<{ID}advisory/example.org/t>"]
    (finding,) = result.findings
    assert finding.rule == RULE_INVALID_REFERENCE and "'see CWE'" in finding.message


def test_versions_dates_examples_and_extras_lose_nothing() -> None:
    versions = (
        Version(
            value="2022",
            status="active",
            release_date="2022-10-25",
            url="https://example.org/2022",
            location=at(6),
        ),
        Version(value="2022", release_date="2022-10", location=at(7)),
    )
    examples = (
        Example(value="secid:advisory/example.org/s#EX-1", location=at(9)),
        Example(
            value="EX-2",
            url="https://example.org/EX-2",
            note="second",
            variables=(("num", "2"),),
            location=at(10),
        ),
    )
    extra = Extra(
        path="sources.*.parsability",
        value_json='{"a": [1, 2]}',
        location=at(11, "sources.s.parsability"),
    )
    source = literal_source(
        "s",
        versions=versions,
        examples=examples,
        extras=(extra,),
        deprecated_date="2017-01",
        urls=(Url(kind="lookup", value="https://example.org/find/{id}", location=at(8)),),
        location=at(5),
    )
    result = convert(namespace(sources=(source,), established=1958))
    src = f"{ID}advisory/example.org/s"
    # a repeated version value is one version (one SecID) with what both say
    version = f"{src}@2022"
    assert objects(result, src, SECID.hasVersion) == [f"<{version}>"]
    assert objects(result, version, DCTERMS.identifier) == ['"secid:advisory/example.org/s@2022"']
    assert objects(result, version, DCTERMS.issued) == [
        str(Literal("2022-10", datatype=XSD.gYearMonth)),
        str(Literal("2022-10-25", datatype=XSD.date)),
    ]
    assert objects(result, version, SECID.status) == [f"<{status_iri('active').value}>"]
    assert objects(result, src, SECID.deprecatedDate) == [
        str(Literal("2017-01", datatype=XSD.gYearMonth))
    ]
    assert objects(result, f"{ID}advisory/example.org", SECID.established) == [
        str(Literal("1958", datatype=XSD.integer))
    ]
    # a full-SecID example gets its URL from the {id} template; a bare one keeps its own
    # a full-SecID example is the item it names, and gets its URL from the {id} template;
    # a bare one is named by its input and keeps its own URL
    assert objects(result, f"{src}#EX-1", SECID.exampleUrl) == ["<https://example.org/find/EX-1>"]
    assert objects(result, f"{src}#EX-1", DCTERMS.identifier) == [
        '"secid:advisory/example.org/s#EX-1"'
    ]
    bare = f"{src}?!example=EX-2"
    assert objects(result, bare, DCTERMS.identifier) == []
    assert objects(result, bare, SECID.exampleUrl) == ["<https://example.org/EX-2>"]
    assert objects(result, f"{bare}&!binding=num", RDF.value) == ['"2"']
    # kept keys: one rdf:JSON object on their owner, from key path to value
    assert objects(result, src, SECID.extra) == [
        str(Literal('{"sources.*.parsability":{"a":[1,2]}}', datatype=RDF.JSON))
    ]


def test_extras_with_a_clear_meaning_get_their_term_and_the_rest_stay_json() -> None:
    table = '{"A01": {"title": "Broken Access Control", "url": "https://owasp.org/A01/"}}'
    extras = (
        Extra(path="match_nodes[].data.lookup_table", value_json=table, location=at(4)),
        Extra(path="updated", value_json='"2026-05-01"', location=at(5)),
        Extra(
            path="sources.*.id_patterns[].url", value_json='"https://example.org/p"', location=at(6)
        ),
        Extra(
            path="match_nodes[].data.lookup_table",
            value_json='{"A02": {"url": "no"}}',
            location=at(7),
        ),
        Extra(
            path="match_nodes[].children[].data.lang",
            value_json='{"available": ["en", "de"], "default": "en", "url_transform": "upper"}',
            location=at(8),
        ),
    )
    result = convert(namespace(sources=(literal_source("s", extras=extras, location=at(3)),)))
    src = f"{ID}advisory/example.org/s"
    assert objects(result, f"{src}?!value=A01", SECID.target) == ["<https://owasp.org/A01/>"]
    assert objects(result, f"{src}?!value=A01", SKOS.prefLabel) == ['"Broken Access Control"']
    assert objects(result, src, DCTERMS.modified) == [str(Literal("2026-05-01", datatype=XSD.date))]
    assert objects(result, src, RDFS.seeAlso) == ["<https://example.org/p>"]
    lang = f"{src}?!var=lang"
    assert objects(result, src, SECID.hasVariable) == [f"<{lang}>"]
    assert objects(result, lang, SECID.allowedValue) == ['"de"', '"en"']
    assert objects(result, lang, SECID.defaultValue) == ['"en"']
    assert objects(result, lang, SECID.valueTransform) == ['"upper"']
    # a table whose URL is not an IRI is kept whole, as JSON, under its key path
    (kept,) = objects(result, src, SECID.extra)
    assert kept == str(
        Literal('{"match_nodes[].data.lookup_table":{"A02":{"url":"no"}}}', datatype=RDF.JSON)
    )
    assert result.property_provenance[(src, SECID.hasKnownValue.value)] == at(4)


def test_example_url_is_not_derived_when_the_placeholder_is_in_the_host() -> None:
    source = literal_source(
        "s",
        urls=(Url(kind="lookup", value="https://{id}.example.org/", location=at(4)),),
        examples=(Example(value="secid:advisory/example.org/s#evil.com", location=at(5)),),
        location=at(3),
    )
    result = convert(namespace(sources=(source,)))
    assert objects(result, f"{ID}advisory/example.org/s#evil.com", SECID.exampleUrl) == []


def test_unknown_status_gets_an_undeclared_concept_iri() -> None:
    result = convert(namespace(status="bogus"))
    (status,) = objects(result, f"{ID}advisory/example.org", SECID.status)
    assert status == "<https://w3id.org/secid/vocab/status/bogus>"


def test_provenance_points_each_subject_and_each_located_key_at_the_registry() -> None:
    located = namespace(
        status="active",
        field_locations=(("status", at(7, "status")), ("official_name", at(4, "full_name"))),
    )
    result = convert(located, commit="f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82")
    ns = f"{ID}advisory/example.org"
    assert subjects(result) <= result.provenance.keys()
    assert result.property_provenance[(ns, SECID.status.value)] == at(7, "status")
    assert result.property_provenance[(ns, SKOS.prefLabel.value)] == at(4, "full_name")
    assert objects(result, ns, SECID.sourceFile) == [f'"{HERE.file}"']
    assert objects(result, ns, SECID["status"]) == [f"<{status_iri('active').value}>"]
    (commit,) = objects(result, ns, PROV.wasDerivedFrom)
    assert commit.endswith("swh:1:rev:f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82>")


def test_base_option_moves_every_data_iri_and_a_bad_base_is_refused() -> None:
    result = convert(namespace(), base="http://localhost/ids/")
    data = {q.subject.value for q in result.quads} - {url_kind_iri("website").value}
    assert data and all(iri.startswith("http://localhost/ids/") for iri in data)
    with pytest.raises(InvalidIriError):
        convert(namespace(), base="http://localhost/ids")


# -- the seed file: golden graph --------------------------------------------------------


def seed_conversion(tmp_path: Path) -> Conversion:
    """The seed file alone, in a folder outside any git work tree (no commit in the data)."""
    folder = tmp_path / "registry" / "reference"
    folder.mkdir(parents=True)
    shutil.copy(bundled_registry_path() / "reference" / "aisi.md", folder / "aisi.md")
    registry = read_registry(tmp_path / "registry")
    assert registry.commit is None and not registry.findings
    return registry_to_graph(registry)


def triples_of(data: bytes, fmt: RdfFormat) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object}" for t in parse(data, format=fmt)}


def test_seed_file_converts_to_the_reviewed_golden_graph(
    tmp_path: Path, update_golden: bool
) -> None:
    result = seed_conversion(tmp_path)
    assert result.findings == ()
    assert {q.graph_name for q in result.quads} == {graph_iri("reference")}
    actual = serialize(result.quads, "turtle", base=DEFAULT_BASE)
    if update_golden:
        GOLDEN.write_bytes(actual)
    expected = triples_of(GOLDEN.read_bytes(), RdfFormat.TURTLE)
    produced = triples_of(actual, RdfFormat.TURTLE)
    assert produced == triples_of(
        "\n".join(str(q.triple) + " ." for q in result.quads).encode(), RdfFormat.N_TRIPLES
    ), "the Turtle writer changed the graph"
    missing, extra = sorted(expected - produced), sorted(produced - expected)
    assert not missing and not extra, (
        f"the seed's graph differs from {GOLDEN.name}: missing {missing[:5]}, extra {extra[:5]}; "
        "if the change is intended, run pytest --update-golden and review the diff"
    )


# -- acceptance over the bundled registry and both corpora -------------------------------

REGISTRIES = REGISTRY_NAMES
STANDARD = tuple(iri for prefix, iri in PREFIXES.items() if prefix != "secid")
URL_LITERAL = re.compile(r"https?://\S*", re.IGNORECASE)


@pytest.fixture(params=REGISTRIES)
def converted(
    request: pytest.FixtureRequest, corpus_conversions: dict[str, tuple[Registry, Conversion]]
) -> tuple[Registry, Conversion]:
    return corpus_conversions[request.param]


def test_no_blank_nodes(converted: tuple[Registry, Conversion]) -> None:
    _, result = converted
    blank = [
        q
        for q in result.quads
        if isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)
    ]
    assert blank == []


def test_no_url_is_a_string_literal_except_templates(
    converted: tuple[Registry, Conversion],
) -> None:
    _, result = converted
    offending = [
        (q.subject.value, q.predicate.value, q.object.value)
        for q in result.quads
        if isinstance(q.object, Literal)
        and URL_LITERAL.fullmatch(q.object.value.strip())
        and not (q.predicate == SECID.template and "{" in q.object.value)
    ]
    assert offending == []


def test_every_class_and_property_is_standard_or_declared_in_the_ontology(
    converted: tuple[Registry, Conversion],
) -> None:
    _, result = converted
    terms = {q.predicate.value for q in result.quads}
    terms |= {q.object.value for q in result.quads if q.predicate == RDF.type}
    undeclared = {
        term
        for term in terms
        if not term.startswith(STANDARD)
        and not (term.startswith(SECID_NAMESPACE) and term[len(SECID_NAMESPACE) :] in SECID)
    }
    assert undeclared == set()


def expected_secids(registry: Registry) -> set[str]:
    """Namespace SecIDs and literal-named source SecIDs, built here from their parts."""
    secids = set()
    for ns in registry.namespaces:
        secids.add(f"secid:{ns.type}/{ns.namespace}")
        secids.update(
            f"secid:{ns.type}/{ns.namespace}/{source.name}"
            for source in ns.sources
            if source.name is not None
        )
    return secids


def test_every_namespace_and_named_source_secid_is_an_identifier(
    converted: tuple[Registry, Conversion],
) -> None:
    registry, result = converted
    identifiers = {q.object.value for q in result.quads if q.predicate == DCTERMS.identifier}
    expected = expected_secids(registry)
    assert len(expected) >= len(registry.namespaces) > 0
    assert expected - identifiers == set()


def test_every_subject_has_provenance_in_a_registry_file(
    converted: tuple[Registry, Conversion],
) -> None:
    registry, result = converted
    missing = subjects(result) - result.provenance.keys()
    assert missing == set()
    files = {loc.file for loc in result.provenance.values()}
    assert all((registry.root / name).is_file() for name in files)


def test_every_quad_sits_in_the_graph_of_a_registry_type(
    converted: tuple[Registry, Conversion],
) -> None:
    registry, result = converted
    types = {ns.type for ns in registry.namespaces} | {t.name for t in registry.types}
    assert {q.graph_name for q in result.quads} <= {graph_iri(t) for t in types}


def test_corpora_convert_with_only_the_known_url_warnings(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> None:
    assert corpus_conversions["bundled"][1].findings == ()
    assert corpus_conversions["markdown"][1].findings == ()
    # four real disclosure URLs hold a raw "[" in the fragment: reported, kept encoded
    json_findings = corpus_conversions["json"][1].findings
    assert {(f.rule, f.severity) for f in json_findings} == {(RULE_INVALID_IRI, Severity.WARNING)}
    assert len(json_findings) == 4


def test_resolution_data_is_in_the_graph(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> None:
    """What a resolver needs, for the CVE source of the Markdown corpus."""
    _, result = corpus_conversions["markdown"]
    cve = f"{ID}advisory/mitre.org/cve"
    (template,) = objects(result, cve, SECID.hasUrlTemplate)
    assert objects(result, template[1:-1], SECID.template) == [
        '"https://www.cve.org/CVERecord?id={id}"'
    ]
    (pattern,) = objects(result, cve, SECID.hasIdPattern)
    assert objects(result, pattern[1:-1], SECID.xpathRegex) == [r'"CVE-\\d{4}-\\d{4,}"']


# -- determinism ----------------------------------------------------------------------

DIGEST_SCRIPT = """
import hashlib, sys
from secid_rdf.convert.builder import registry_to_graph
from secid_rdf.read.registry import read_registry
result = registry_to_graph(read_registry(sys.argv[1]))
text = "".join(f"{q} .\\n" for q in result.quads)
print(hashlib.sha256(text.encode()).hexdigest(), len(result.quads))
"""


def test_conversion_is_identical_across_hash_seeds(json_corpus: Path) -> None:
    digests = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT, str(json_corpus)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        digests.add(run.stdout)
    assert len(digests) == 1


def test_two_conversions_of_one_registry_are_equal(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> None:
    registry, result = corpus_conversions["markdown"]
    again = registry_to_graph(dataclasses.replace(registry))
    assert again.quads == result.quads
    assert hashlib.sha256(b"".join(str(q).encode() for q in again.quads)).digest() == (
        hashlib.sha256(b"".join(str(q).encode() for q in result.quads)).digest()
    )
