"""What SecID an example stands for: what its page shows resolved and a diff compares."""

from __future__ import annotations

import pytest

from secid_rdf.findings import Location
from secid_rdf.model import Example, IdPattern, Namespace, Source, Version
from secid_rdf.resolve.examples import source_example_secid

AT = Location("methodology/org/ietf.json", 1)


def source(name: str | None, **fields: object) -> Source:
    secid = f"secid:methodology/ietf.org/{name}" if name else None
    return Source(name=name, secid=secid, location=AT, **fields)  # type: ignore[arg-type]


def secid_of(node: Source, value: str, **fields: object) -> str:
    namespace = Namespace(
        type="methodology", namespace="ietf.org", files=(), format="json", location=AT
    )
    example = Example(value=value, location=AT, **fields)  # type: ignore[arg-type]
    return source_example_secid(namespace, node, example)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rfc-3227", "secid:methodology/ietf.org/rfc-3227"),  # the name names the source
        ("RFC-3227", "secid:methodology/ietf.org/rfc-3227"),
        ("rfc-3227@2002", "secid:methodology/ietf.org/rfc-3227@2002"),
        ("section-2", "secid:methodology/ietf.org/rfc-3227#section-2"),  # an item under it
        ("secid:methodology/ietf.org/rfc-3227#x", "secid:methodology/ietf.org/rfc-3227#x"),
    ],
)
def test_an_example_of_a_named_source(value: str, expected: str) -> None:
    assert secid_of(source("rfc-3227"), value) == expected


def test_an_example_of_a_source_named_by_a_pattern_is_its_name() -> None:
    node = source(None, patterns=(IdPattern(regex="^rfc-\\d+$", location=AT),))
    assert secid_of(node, "rfc-9110") == "secid:methodology/ietf.org/rfc-9110"


def test_a_source_that_requires_a_version_gets_its_first_one() -> None:
    node = source(
        "27001",
        version_required=True,
        versions=(Version(value="2022", location=AT), Version(value="2013", location=AT)),
    )
    assert secid_of(node, "A.5.1") == "secid:methodology/ietf.org/27001@2022#A.5.1"
    assert secid_of(node, "A.5.1", version="2013") == "secid:methodology/ietf.org/27001@2013#A.5.1"
