"""The SecID grammar: parsing, formatting, and the round trip between them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from secid_rdf.findings import InvalidSecidError
from secid_rdf.secid import SECID_PATTERN, SecID, format_secid, parse_secid


def test_parse_full_secid_gives_every_part() -> None:
    secid = parse_secid("secid:control/iso.org/27001@2022?lang=en&content_type=html#A.8.1@2")
    assert secid == SecID(
        type="control",
        namespace="iso.org",
        name="27001",
        version="2022",
        qualifiers=(("lang", "en"), ("content_type", "html")),
        subpath="A.8.1",
        item_version="2",
    )


def test_namespace_secid_has_no_name() -> None:
    assert parse_secid("secid:entity/aisi") == SecID(type="entity", namespace="aisi")


def test_longest_known_namespace_wins() -> None:
    known = {"amazon.com", "amazon.com/aws", "amazon.com/aws/s3"}
    secid = parse_secid("secid:control/amazon.com/aws/s3/bp#S3.1", namespaces=known)
    assert (secid.namespace, secid.name, secid.subpath) == ("amazon.com/aws/s3", "bp", "S3.1")


def test_sub_namespace_without_registry_splits_at_first_slash() -> None:
    secid = parse_secid("secid:advisory/github.com/advisories/ghsa#GHSA-jfh8-c2jp-5v3q")
    assert (secid.namespace, secid.name) == ("github.com", "advisories/ghsa")


def test_known_namespace_alone_is_a_namespace_secid() -> None:
    known = {"github.com/advisories"}
    secid = parse_secid("secid:advisory/github.com/advisories", namespaces=known)
    assert (secid.namespace, secid.name) == ("github.com/advisories", None)


def test_unknown_namespace_is_rejected_when_namespaces_are_given() -> None:
    with pytest.raises(InvalidSecidError, match="no known namespace"):
        parse_secid("secid:entity/usgov/hhs/fda", namespaces={"fda.gov"})


@pytest.mark.parametrize(
    ("text", "subpath", "item_version"),
    [
        ("secid:advisory/cert.org/vu#VU#867593", "VU#867593", None),
        ("secid:advisory/redhat.com/errata#RHSA-2024:1234", "RHSA-2024:1234", None),
        ("secid:control/nist.gov/800-53#AC-2(1)", "AC-2(1)", None),
        ("secid:regulation/europa.eu/gdpr#art-32/1/a", "art-32/1/a", None),
        ("secid:control/csa.org/ccm#A&A-01@4.0.12", "A&A-01", "4.0.12"),
        ("secid:regulation/govinfo.gov/usc#§393", "§393", None),
    ],
)
def test_subpaths_keep_special_characters(
    text: str, subpath: str, item_version: str | None
) -> None:
    secid = parse_secid(text)
    assert (secid.subpath, secid.item_version) == (subpath, item_version)
    assert format_secid(secid) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cve:CVE-2024-1234", "must start with 'secid:'"),
        ("secid:Advisory/mitre.org/cve", "type 'Advisory' must be lower-case"),
        ("secid:advisory", "a namespace must follow"),
        ("secid:advisory/", "a namespace must follow"),
        ("secid:advisory/mitre.org//cve", "empty segment"),
        ("secid:advisory/mitre.org/cve?lang", "qualifier 'lang' must be key=value"),
        ("secid:advisory/mitre.org/cve@#CVE-1", "'@' must be followed by a version"),
    ],
)
def test_malformed_secids_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InvalidSecidError) as caught:
        parse_secid(text)
    assert reason in str(caught.value)
    assert caught.value.value == text


def test_secid_pattern_is_anchored() -> None:
    assert SECID_PATTERN.match("xsecid:advisory/mitre.org") is None
    assert SECID_PATTERN.match("secid:advisory/mitre.org/cve#CVE-1\n") is not None


_segment = st.text(
    alphabet=st.characters(blacklist_characters="@?#/&=", blacklist_categories=("Cs", "Zs", "Cc")),
    min_size=1,
    max_size=8,
)

_qualifier_key = st.from_regex(r"[a-z_]{1,5}", fullmatch=True)


@st.composite
def _secids(draw: st.DrawFn) -> SecID:
    namespace = "/".join(draw(st.lists(_segment, min_size=1, max_size=3)))
    subpath = draw(st.none() | st.text(alphabet="abcAB01-_./:#(§ ", min_size=1, max_size=10))
    if subpath is not None and (subpath.startswith("/") or "@" in subpath):
        subpath = "x" + subpath.replace("@", "")
    return SecID(
        type=draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)),
        namespace=namespace,
        name=draw(st.none() | _segment),
        version=draw(st.none() | _segment),
        qualifiers=tuple(draw(st.lists(st.tuples(_qualifier_key, _segment), max_size=2))),
        subpath=subpath,
        item_version=draw(st.none() | _segment) if subpath else None,
    )


@given(_secids())
def test_format_then_parse_gives_the_same_secid(secid: SecID) -> None:
    namespaces = {secid.namespace}
    assert parse_secid(format_secid(secid), namespaces=namespaces) == secid


def test_every_markdown_example_round_trips(markdown_corpus: Path) -> None:
    examples: list[str] = []
    for path in sorted(markdown_corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        data = yaml.safe_load(text.split("\n---", 1)[0][4:]) or {}
        for source in (data.get("sources") or data.get("names") or {}).values():
            examples += [e for e in (source or {}).get("examples") or [] if isinstance(e, str)]
    assert len(examples) > 300
    for example in examples:
        if example.startswith("secid:"):
            assert format_secid(parse_secid(example)) == example
