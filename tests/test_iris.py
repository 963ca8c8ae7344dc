"""IRI minting: every key gives a valid IRI, distinct keys give distinct IRIs."""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.findings import InvalidIriError, InvalidSecidError
from secid_rdf.iris import (
    DATASET_GRAPH_IRI,
    DEFAULT_BASE,
    GRAPH_NAMESPACE,
    absolute_iri,
    check_base,
    commit_iri,
    encode_segment,
    graph_iri,
    iri_secid,
    namespace_iri,
    secid_iri,
    status_iri,
    step_iri,
    type_iri,
)
from secid_rdf.secid import TYPE_PATTERN, parse_secid
from secid_rdf.vocab import SECID_NAMESPACE

# Text as the registry may hold it: the SecID specials, spaces, controls, non-ASCII.
SPECIALS = '#@?:/&()§ ;=,!%.-_~\\<>"{}|^`\n\t'
registry_text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")),
    max_size=24,
)
type_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)


def is_secid(text: str) -> bool:
    """True when the SecID grammar accepts the text."""
    try:
        parse_secid(text)
    except InvalidSecidError:
        return False
    return True


def parse_back(iri: pyoxigraph.NamedNode) -> str:
    """Round-trip the IRI through an independent parser (N-Triples) and return it."""
    line = f"<{iri.value}> <urn:p> <urn:o> .\n"
    quads = list(pyoxigraph.parse(line.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(quads) == 1
    subject = quads[0].subject
    assert isinstance(subject, pyoxigraph.NamedNode)
    return subject.value


def resolve_relative(iri: pyoxigraph.NamedNode) -> str:
    """Write the IRI relative to the default base in Turtle, as exports do, and read it back."""
    assert iri.value.startswith(DEFAULT_BASE)
    text = f"@base <{DEFAULT_BASE}> .\n<{iri.value[len(DEFAULT_BASE) :]}> <urn:p> <urn:o> .\n"
    (quad,) = pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    assert isinstance(quad.subject, pyoxigraph.NamedNode)
    return quad.subject.value


def parse_back_rdflib(iri: str) -> str:
    """A second, unrelated parser: rdflib's N-Triples reader accepts the IRI unchanged."""
    import rdflib

    graph = rdflib.Graph().parse(data=f"<{iri}> <urn:p> <urn:o> .\n", format="nt")
    (subject,) = set(graph.subjects())
    return str(subject)


# SecIDs as the grammar allows them: a type, a path of non-empty segments, then an optional
# @version, ?qualifiers and #subpath, each with any registry text.
path_text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")).filter(
        lambda char: char not in "@?#/"
    ),
    min_size=1,
    max_size=12,
).filter(lambda segment: not segment[0].isspace())
qualifier = st.tuples(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.-0123456789", min_size=1, max_size=6),
    registry_text.filter(lambda text: not set(text) & set("&#")),
).map(lambda pair: f"{pair[0]}={pair[1]}")
secids = st.builds(
    lambda type_name, segments, version, qualifiers, subpath: (
        f"secid:{type_name}/{'/'.join(segments)}"
        + (f"@{version}" if version else "")
        + (f"?{'&'.join(qualifiers)}" if qualifiers else "")
        + (f"#{subpath}" if subpath else "")
    ),
    st.from_regex(TYPE_PATTERN, fullmatch=True),
    st.lists(path_text, min_size=1, max_size=4),
    st.none() | registry_text.filter(lambda text: not set(text) & set("?#")),
    st.lists(qualifier, max_size=2),
    st.none() | registry_text,
).filter(is_secid)


@settings(max_examples=150, deadline=None)
@given(secid=secids)
def test_every_secid_is_a_valid_iri_under_the_base_that_gives_the_secid_back(secid: str) -> None:
    iri = secid_iri(DEFAULT_BASE, secid)
    assert parse_back(iri) == iri.value
    assert parse_back_rdflib(iri.value) == iri.value
    assert resolve_relative(iri) == iri.value
    assert iri_secid(DEFAULT_BASE, iri.value) == secid
    # decoding alone gives the SecID back: only what an IRI cannot hold was encoded
    assert "secid:" + unquote(iri.value[len(DEFAULT_BASE) :]) == secid
    assert "%2F" not in iri.value


@settings(max_examples=150, deadline=None)
@given(first=secids, second=secids)
def test_distinct_secids_give_distinct_iris(first: str, second: str) -> None:
    same = secid_iri(DEFAULT_BASE, first) == secid_iri(DEFAULT_BASE, second)
    assert same == (first == second)


@settings(max_examples=120, deadline=None)
@given(
    secid=secids,
    owner=secids,
    steps=st.lists(
        st.tuples(st.sampled_from(["url", "node", "match", "example", "var"]), registry_text),
        min_size=1,
        max_size=3,
    ),
)
def test_a_thing_without_a_secid_is_never_named_like_a_secid(
    secid: str, owner: str, steps: list[tuple[str, str]]
) -> None:
    iri = secid_iri(DEFAULT_BASE, owner)
    for step, value in steps:
        iri = step_iri(iri, step, value)
        assert parse_back(iri) == iri.value
        assert resolve_relative(iri) == iri.value
        with pytest.raises(InvalidSecidError):
            iri_secid(DEFAULT_BASE, iri.value)
    assert iri != secid_iri(DEFAULT_BASE, secid)


@settings(max_examples=120, deadline=None)
@given(
    first=st.tuples(secids, st.sampled_from(["url", "var"]), st.lists(registry_text, max_size=2)),
    second=st.tuples(secids, st.sampled_from(["url", "var"]), st.lists(registry_text, max_size=2)),
)
def test_distinct_owners_steps_or_values_give_distinct_iris(
    first: tuple[str, str, list[str]], second: tuple[str, str, list[str]]
) -> None:
    def mint(key: tuple[str, str, list[str]]) -> str:
        owner, step, parts = key
        return step_iri(secid_iri(DEFAULT_BASE, owner), step, *parts).value

    assert (mint(first) == mint(second)) == (first == second)


@settings(max_examples=80, deadline=None)
@given(
    secid=secids,
    others=st.lists(st.tuples(st.from_regex(TYPE_PATTERN, fullmatch=True), path_text), max_size=5),
)
def test_the_iri_of_a_secid_does_not_depend_on_which_namespaces_exist(
    secid: str, others: list[tuple[str, str]]
) -> None:
    # the function has no registry input at all; a namespace with slashes keeps them
    assert secid_iri(DEFAULT_BASE, secid) == secid_iri(DEFAULT_BASE, secid)
    for type_name, namespace in others:
        assert namespace_iri(DEFAULT_BASE, type_name, namespace) == secid_iri(
            DEFAULT_BASE, f"secid:{type_name}/{namespace}"
        )


@pytest.mark.parametrize(
    ("secid", "iri"),
    [
        ("secid:advisory/mitre.org/cve", "advisory/mitre.org/cve"),
        ("secid:capability/google.com/gcp/logging", "capability/google.com/gcp/logging"),
        ("secid:control/iso.org/27001@2022#A.8.1", "control/iso.org/27001@2022#A.8.1"),
        (
            "secid:advisory/redhat.com/errata#RHSA-2024:1234",
            "advisory/redhat.com/errata#RHSA-2024:1234",
        ),
        ("secid:advisory/cert.org/vu#VU#867593", "advisory/cert.org/vu#VU%23867593"),
        (
            "secid:control/csa.org/ccm#IAM-12/Auditing Guidelines",
            "control/csa.org/ccm#IAM-12/Auditing%20Guidelines",
        ),
        ("secid:advisory/nist.gov/nvd?lang=ja#CVE-1", "advisory/nist.gov/nvd?lang=ja#CVE-1"),
        ("secid:reference/x.org/100%", "reference/x.org/100%25"),
        ("secid:regulation/europa.eu/gdpr#art-32/1/a", "regulation/europa.eu/gdpr#art-32/1/a"),
        ("secid:entity/bücher.de", "entity/bücher.de"),
        ("secid:advisory/x.org/..", "advisory/x.org/%2E%2E"),
        ("secid:advisory", "advisory"),
    ],
)
def test_secid_iris_keep_the_secid_readable(secid: str, iri: str) -> None:
    assert secid_iri(DEFAULT_BASE, secid).value == DEFAULT_BASE + iri
    assert iri_secid(DEFAULT_BASE, DEFAULT_BASE + iri) == secid


@pytest.mark.parametrize(
    "text",
    ["entity/mitre.org", "secid:", "secid:Entity/x", "cve:CVE-1", "secid:a/b?k", "secid:a//b"],
)
def test_text_that_is_not_a_secid_gets_no_secid_iri(text: str) -> None:
    with pytest.raises(InvalidSecidError):
        secid_iri(DEFAULT_BASE, text)


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/secid/advisory/x.org?!url=website,https://x.org/",
        "https://w3id.org/secid/_graph/advisory",
        "https://w3id.org/secid/advisory/x%2Fy",
        "https://w3id.org/secid/advisory/x%41",
        "https://example.org/advisory/x",
    ],
)
def test_iris_that_no_secid_gives_are_refused_by_the_inverse(iri: str) -> None:
    with pytest.raises(InvalidSecidError):
        iri_secid(DEFAULT_BASE, iri)


def test_steps_read_well_and_keep_the_owner_fragment_last() -> None:
    cve = secid_iri(DEFAULT_BASE, "secid:advisory/mitre.org/cve")
    assert step_iri(cve, "url", "website", "https://www.cve.org/").value == (
        "https://w3id.org/secid/advisory/mitre.org/cve?!url=website,https://www.cve.org/"
    )
    item = secid_iri(DEFAULT_BASE, "secid:control/nist.gov/csf@2.0#GV")
    node = step_iri(step_iri(item, "node", "abc"), "var", "id")
    assert node.value == "https://w3id.org/secid/control/nist.gov/csf@2.0?!node=abc&!var=id#GV"
    # the separators inside a value are encoded, so values never run into each other
    assert step_iri(cve, "url", "a,b", "c").value != step_iri(cve, "url", "a", "b,c").value


@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "www.example.org/page",
        "https://example.org/{id}",
        "https://exa mple.org/",
        "https://example.org/%zz",
        "",
        "1http://example.org/",
        " https://example.org/",
    ],
)
def test_a_url_that_is_not_an_absolute_iri_is_rejected(value: str) -> None:
    with pytest.raises(InvalidIriError) as caught:
        absolute_iri(value)
    assert caught.value.value == value


@pytest.mark.parametrize(
    "value",
    ["https://www.cve.org/CVERecord?id=CVE-2024-1", "mailto:psirt@example.org", "urn:isbn:1"],
)
def test_an_absolute_iri_is_accepted_unchanged(value: str) -> None:
    assert absolute_iri(value).value == value


@pytest.mark.parametrize(
    "base", ["https://example.org/secid", "example.org/", "https://exa mple.org/", ""]
)
def test_unusable_base_is_rejected(base: str) -> None:
    with pytest.raises(InvalidIriError):
        check_base(base)


def test_custom_base_prefixes_every_data_iri() -> None:
    base = check_base("http://localhost:8080/ids/")
    assert namespace_iri(base, "advisory", "mitre.org").value == (
        "http://localhost:8080/ids/advisory/mitre.org"
    )
    assert type_iri(base, "advisory").value == "http://localhost:8080/ids/advisory"
    assert iri_secid(base, "http://localhost:8080/ids/advisory/mitre.org") == (
        "secid:advisory/mitre.org"
    )


@settings(max_examples=100, deadline=None)
@given(secid=secids)
def test_graph_iris_are_one_per_type_and_never_a_secid_iri(secid: str) -> None:
    assert graph_iri("advisory").value == "https://w3id.org/secid/_graph/advisory"
    assert graph_iri("advisory") != graph_iri("weakness")
    assert DATASET_GRAPH_IRI.value == "https://w3id.org/secid/_graph/void"
    iri = secid_iri(DEFAULT_BASE, secid).value
    assert not iri.startswith(GRAPH_NAMESPACE)


def test_declared_status_is_the_ontology_term_and_unknown_status_still_gets_an_iri() -> None:
    assert status_iri("published").value == "https://w3id.org/secid/vocab/status/published"
    unknown = status_iri("bogus value")
    assert unknown.value == "https://w3id.org/secid/vocab/status/bogus%20value"
    assert not unknown.value.startswith(SECID_NAMESPACE)


def test_commit_iri_needs_a_full_hash() -> None:
    assert commit_iri("f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82").value.endswith(
        "swh:1:rev:f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82"
    )
    with pytest.raises(InvalidIriError):
        commit_iri("f1b7ea6")


@settings(max_examples=80, deadline=None)
@given(text=registry_text)
def test_encode_segment_keeps_only_unreserved_characters_raw(text: str) -> None:
    encoded = encode_segment(text)
    assert unquote(encoded) == text
    assert not set(encoded) & set("/;=,!#@?: ")
