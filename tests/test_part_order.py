"""The part planner's order holds for any registry: parts give the whole graph's bytes.

Registries are drawn at random (types and namespaces whose IRIs are prefixes of one
another or sort around ``/``, URL kinds and tags that become shared concepts, bases that
put the data before or after the concepts), cut into very small parts, and every dump is
compared with :func:`serialize` of the whole conversion.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import secid_rdf.export.partition as partition
from secid_rdf.convert.builder import registry_to_graph
from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, write_export
from secid_rdf.export.workers import Workers
from secid_rdf.findings import InvalidSecidError, Location
from secid_rdf.formats.serialize import FORMATS, serialize
from secid_rdf.model import Namespace, Registry, SecidType, Url
from secid_rdf.secid import parse_secid
from secid_rdf.site.htaccess import SITE_RULES

TYPES = ("advisory", "a", "a-b", "ab", "a_b")
"""Type names whose IRIs are prefixes of one another and sort around ``/``."""

BASES = (
    "https://w3id.org/secid/",
    "https://zz.example/id/",
    "http://www.example.org/secid/",
    "https://a.example/",
)

_urls = st.lists(
    st.builds(
        lambda kind, index: Url(
            kind=kind, value=f"https://example.org/{index}", location=Location("x.json", 1)
        ),
        st.sampled_from(["website", "api", "a-b", "lookup"]),
        st.integers(0, 3),
    ),
    max_size=2,
)
_tags = st.lists(
    st.tuples(st.sampled_from(["country", "region"]), st.sampled_from(["GB", "EU", "a b"])),
    max_size=2,
)


def _makes_a_secid(namespace: str) -> bool:
    try:
        parse_secid(f"secid:advisory/{namespace}")
    except InvalidSecidError:
        return False
    return True


_namespaces = st.lists(
    st.builds(
        lambda type_name, name, urls, tags: Namespace(
            type=type_name,
            namespace=name,
            files=(f"{type_name}/{name}.json",),
            format="json",
            urls=tuple(urls),
            tags=tuple(dict.fromkeys(tags)),
            location=Location(f"{type_name}/{name}.json", 1),
        ),
        st.sampled_from(TYPES),
        # namespaces that make a SecID (the reader refuses others): no "#", no empty segment
        st.text(alphabet="ab.-/_~%é;", min_size=1, max_size=5).filter(_makes_a_secid),
        _urls,
        _tags,
    ),
    max_size=14,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(namespaces=_namespaces, base=st.sampled_from(BASES), size=st.integers(1, 3))
def test_parts_in_planned_order_give_the_whole_graphs_bytes(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    namespaces: list[Namespace],
    base: str,
    size: int,
) -> None:
    registry = Registry(
        root=Path("."),
        types=tuple(SecidType(name=name) for name in TYPES),
        namespaces=tuple(sorted(namespaces, key=lambda ns: (ns.type, ns.namespace))),
    )
    monkeypatch.setattr(partition, "PART_SIZE", size)
    out = tmp_path_factory.mktemp("parts")
    options = ExportOptions(base=base, include_pages=False, jobs=1)
    with Workers(1) as workers:
        write_export(registry, out, options, workers)
    quads = registry_to_graph(registry, base=base).quads
    for name, fmt in FORMATS.items():
        assert (out / fmt.file_name).read_bytes() == serialize(quads, name, base=base), name
    hidden = sorted(path.name for path in out.iterdir() if path.name.startswith("."))
    assert hidden == sorted([MANIFEST, SITE_RULES]), "no temporary file is left"
