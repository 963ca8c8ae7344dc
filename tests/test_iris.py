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
    absolute_iri,
    check_base,
    commit_iri,
    encode_segment,
    example_iri,
    graph_iri,
    match_iri,
    namespace_iri,
    node_iri,
    pattern_iri,
    secid_to_iri,
    source_iri,
    status_iri,
    template_iri,
    type_iri,
    url_iri,
    variable_iri,
    version_iri,
)
from secid_rdf.vocab import SECID

# Text as the registry may hold it: the SecID specials, spaces, controls, non-ASCII.
SPECIALS = '#@?:/&()§ ;=,!%.-_~\\<>"{}|^`\n\t'
registry_text = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")),
    max_size=24,
)
type_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)


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


@settings(max_examples=300, deadline=None)
@given(type_name=type_names, namespace=registry_text, name=registry_text)
def test_any_namespace_and_source_gives_a_valid_iri(
    type_name: str, namespace: str, name: str
) -> None:
    ns = namespace_iri(DEFAULT_BASE, type_name, namespace)
    src = source_iri(ns, name)
    for iri in (ns, src):
        assert parse_back(iri) == iri.value
        assert parse_back_rdflib(iri.value) == iri.value
        assert resolve_relative(iri) == iri.value
    # the encoded segments decode back to the exact registry text
    assert unquote(ns.value.rsplit("/", 1)[1]) == namespace
    assert unquote(src.value.rsplit("/", 1)[1]) == name


@pytest.mark.parametrize("segment", [".", ".."])
def test_dot_segments_survive_relative_resolution(segment: str) -> None:
    ns = namespace_iri(DEFAULT_BASE, "advisory", segment)
    for iri in (ns, source_iri(ns, segment)):
        assert resolve_relative(iri) == iri.value


@settings(max_examples=300, deadline=None)
@given(
    first=st.tuples(type_names, registry_text, st.none() | registry_text),
    second=st.tuples(type_names, registry_text, st.none() | registry_text),
)
def test_distinct_keys_give_distinct_iris(
    first: tuple[str, str, str | None], second: tuple[str, str, str | None]
) -> None:
    def mint(key: tuple[str, str, str | None]) -> str:
        type_name, namespace, name = key
        ns = namespace_iri(DEFAULT_BASE, type_name, namespace)
        return (ns if name is None else source_iri(ns, name)).value

    assert (mint(first) == mint(second)) == (first == second)


def test_sub_namespace_and_source_of_parent_namespace_do_not_collide() -> None:
    sub = namespace_iri(DEFAULT_BASE, "advisory", "github.com/advisories")
    source = source_iri(namespace_iri(DEFAULT_BASE, "advisory", "github.com"), "advisories")
    assert sub != source
    assert sub.value == "https://w3id.org/secid/id/advisory/github.com%2Fadvisories"
    assert source.value == "https://w3id.org/secid/id/advisory/github.com/advisories"


@settings(max_examples=200, deadline=None)
@given(name=registry_text, version=registry_text, index=st.integers(0, 50))
def test_structural_steps_are_valid_and_never_meet_a_secid_path(
    name: str, version: str, index: int
) -> None:
    ns = namespace_iri(DEFAULT_BASE, "control", "iso.org")
    src = source_iri(ns, name)
    template = template_iri(src)
    minted = [
        src,
        node_iri(ns, index),
        node_iri(src, index),
        url_iri(src, index),
        template,
        variable_iri(src, name),
        match_iri(src, index),
        pattern_iri(src, index),
        example_iri(src, index),
        version_iri(src, version),
        version_iri(src, version, index + 1),
    ]
    for iri in minted:
        assert parse_back(iri) == iri.value
        assert resolve_relative(iri) == iri.value
    assert len({iri.value for iri in minted}) == len(minted)


def test_repeated_versions_differ_from_versions_that_look_like_repeats() -> None:
    src = namespace_iri(DEFAULT_BASE, "control", "iso.org")
    assert version_iri(src, "1", 1) != version_iri(src, "1-1")
    assert version_iri(src, "1", 1) != version_iri(src, "1,1")


# SecID strings: type, a path of segments, and an optional @/?/# tail.
secid_strings = st.builds(
    lambda t, segments, tail: f"secid:{t}/{'/'.join(segments)}{tail}",
    type_names,
    st.lists(registry_text, min_size=1, max_size=4),
    st.sampled_from(["", "@", "#", "?"]).flatmap(
        lambda mark: st.just("") if not mark else registry_text.map(lambda s: mark + s)
    ),
)
KNOWN = {("entity", "mitre.org"), ("entity", "amazon.com"), ("entity", "amazon.com/aws")}


@settings(max_examples=400, deadline=None)
@given(first=secid_strings, second=secid_strings)
def test_any_secid_reference_gives_a_valid_iri_and_distinct_secids_distinct_iris(
    first: str, second: str
) -> None:
    iri_a = secid_to_iri(DEFAULT_BASE, first, KNOWN)
    iri_b = secid_to_iri(DEFAULT_BASE, second, KNOWN)
    assert parse_back(iri_a) == iri_a.value
    assert (iri_a == iri_b) == (first == second)


def test_secid_reference_uses_the_longest_known_namespace() -> None:
    iri = secid_to_iri(DEFAULT_BASE, "secid:entity/amazon.com/aws/s3", KNOWN)
    expected = source_iri(namespace_iri(DEFAULT_BASE, "entity", "amazon.com/aws"), "s3")
    assert iri == expected


def test_secid_reference_to_a_namespace_is_the_namespace_iri() -> None:
    assert secid_to_iri(DEFAULT_BASE, "secid:entity/mitre.org", KNOWN) == namespace_iri(
        DEFAULT_BASE, "entity", "mitre.org"
    )


def test_secid_reference_to_an_unknown_namespace_keeps_the_whole_path() -> None:
    iri = secid_to_iri(DEFAULT_BASE, "secid:entity/usgov/hhs/fda", KNOWN)
    assert iri.value == "https://w3id.org/secid/id/entity/usgov%2Fhhs%2Ffda"


@pytest.mark.parametrize("text", ["entity/mitre.org", "secid:", "secid:entity", "cve:CVE-1"])
def test_non_secid_reference_is_rejected(text: str) -> None:
    with pytest.raises(InvalidSecidError):
        secid_to_iri(DEFAULT_BASE, text, KNOWN)


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
    base = check_base("http://localhost:8080/ids#")
    assert namespace_iri(base, "advisory", "mitre.org").value == (
        "http://localhost:8080/ids#advisory/mitre.org"
    )
    assert type_iri(base, "advisory").value == "http://localhost:8080/ids#advisory"


def test_graph_iris_are_one_per_type_and_the_dataset_graph_is_apart() -> None:
    assert graph_iri("advisory").value == "https://w3id.org/secid/graph/advisory"
    assert graph_iri("advisory") != graph_iri("weakness")
    assert DATASET_GRAPH_IRI.value == "https://w3id.org/secid/graph/void"


def test_declared_status_is_the_ontology_term_and_unknown_status_still_gets_an_iri() -> None:
    assert status_iri("published") == SECID["status-published"]
    unknown = status_iri("bogus value")
    assert unknown.value.endswith("#status-bogus%20value")
    assert "status-bogus%20value" not in SECID


def test_commit_iri_needs_a_full_hash() -> None:
    assert commit_iri("f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82").value.endswith(
        "swh:1:rev:f1b7ea6a8d990b1dbf717d3ac27ae39cd49eae82"
    )
    with pytest.raises(InvalidIriError):
        commit_iri("f1b7ea6")


@settings(max_examples=200, deadline=None)
@given(text=registry_text)
def test_encode_segment_keeps_only_unreserved_characters_raw(text: str) -> None:
    encoded = encode_segment(text)
    assert unquote(encoded) == text
    assert not set(encoded) & set("/;=,!#@?: ")
