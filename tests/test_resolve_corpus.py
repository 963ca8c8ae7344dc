"""Resolution over the real registries: every documented example URL comes back from the graph.

The SecIDs are built from the registry's own examples (read with the reader); the URLs come
only from the converted graph, through the shipped SPARQL query and the resolution table.
Examples the graph cannot resolve are listed in ``MARKDOWN_GAPS`` with the reason, as strict
xfails, so fixing one shows up as an unexpected pass.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import JSON_CORPUS, MARKDOWN_CORPUS, OxigraphServer

from secid_rdf.cli import main
from secid_rdf.convert.builder import Conversion
from secid_rdf.model import MatchNode, Namespace, Registry, Source
from secid_rdf.read.registry import read_registry
from secid_rdf.resolve.examples import node_example_secid
from secid_rdf.resolve.resolver import Resolution, resolve_secids, table_from_store
from secid_rdf.resolve.sources import quads_table
from secid_rdf.secid import SecID, format_secid, parse_secid
from secid_rdf.store.sparql import load_graphs, query_endpoint, split_graphs

_DEBIAN = (
    "{year} and {num} are undeclared; the year is not part of the id at all (the later JSON "
    "twin computes it from a number-to-year table in prose notes) and the id pattern has two "
    "digit runs"
)
_CVE_HOLDS_NO_DATE = (
    "a CVE id holds no date, the template's only placeholder; the JSON twin gives no URL either"
)
MARKDOWN_GAPS = {
    "secid:advisory/apache.org/jira#LOG4J2-3201": "the example does not match the source's "
    "id_pattern [A-Z]+-\\d+ (LOG4J2 holds a digit), so no item is matched",
    "secid:advisory/cisa.gov/vulnrichment": "{year} is undeclared and sits beside {id}; the id "
    "pattern CVE-\\d{4}-\\d{4,} has two digit runs and the graph does not say which is the year",
    "secid:advisory/debian.org/dla": _DEBIAN,
    "secid:advisory/debian.org/dsa": _DEBIAN,
    "secid:advisory/google.com/android#2024-01-01": "{date} is undeclared and the id pattern "
    "\\d{4}-\\d{2}-\\d{2} has three digit runs; the source's CVE pattern has the same shape "
    "(fixed text, several runs) and must give no bulletin URL: no rule on shape tells them apart",
    "secid:advisory/google.com/android#CVE-2024-0031": _CVE_HOLDS_NO_DATE,
    "secid:advisory/huawei.com/security-advisories": "the source has no id pattern and the example "
    "(huawei-sa-xxxxx) holds no {year}; the JSON twin gives no URL for it either",
    "secid:advisory/microsoft.com/bulletin": "{year} is undeclared and sits beside {id}; the id "
    "pattern MS\\d{2}-\\d{3} has two runs and only a two-digit year (the century is not in "
    "the graph: the JSON twin declares format 20{1})",
    "secid:advisory/openssl.org/secadv#CVE-2014-0160": _CVE_HOLDS_NO_DATE,
    "secid:advisory/openssl.org/secadv#CVE-2024-0727": _CVE_HOLDS_NO_DATE,
    "secid:advisory/oracle.com/cpu": "the template fixes the month (cpujan{year}) that the id "
    "pattern (jan|apr|jul|oct)\\d{4} varies: filling {year} would send apr2024 to the January "
    "page (the JSON twin gives cpuapr2024.html), so the template is not applied",
    "secid:weakness/owasp.org/top10": "{num}, {year} and {name} are undeclared; the category "
    "title {name} (A01: Broken_Access_Control) is nowhere in the SecID (the JSON twin uses a "
    "lookup table)",
}
"""Markdown examples (by SecID, or by the SecID of their source) whose lookup template the
graph cannot fill, and why."""


@dataclass(frozen=True)
class Case:
    """One example: the SecID built from its node, and the URL the registry says it gives."""

    secid: str
    expected: str
    namespace: str
    where: str


def _json_cases(registry: Registry) -> Iterator[Case]:
    """Cases from JSON examples with both an input and a URL, at any depth of the tree."""
    for namespace in registry.namespaces:
        for source in namespace.sources:
            yield from _node_cases(namespace, source, source, ())


def _node_cases(
    namespace: Namespace, source: Source, node: MatchNode, ancestors: tuple[MatchNode, ...]
) -> Iterator[Case]:
    for example in node.examples:
        if example.url is None or example.is_secid or not example.location.file.endswith(".json"):
            continue
        yield Case(
            secid=node_example_secid(namespace, source, node, ancestors, example),
            expected=example.url,
            namespace=f"{namespace.type}/{namespace.namespace}",
            where=f"{example.location.file}:{example.location.line or ''}",
        )
    for child in node.children:
        yield from _node_cases(namespace, source, child, (*ancestors, node))


def _template_pattern(template: str) -> re.Pattern[str]:
    """A regex any URL filled in from ``template`` matches (placeholders: any text)."""
    parts = re.split(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template)
    return re.compile(".+".join(re.escape(part) for part in parts))


def _markdown_cases(registry: Registry) -> Iterator[tuple[str, str, str]]:
    """(example SecID, lookup template, file) for every full-SecID example of a lookup entry.

    A lookup entry is one that has a ``lookup`` URL template.
    """
    for namespace in registry.namespaces:
        owners: list[Namespace | Source] = [namespace, *namespace.sources]
        for owner in owners:
            templates = [u.value for u in owner.urls if u.kind == "lookup" and u.is_template]
            for example in owner.examples:
                if example.is_secid and templates:
                    yield example.value, templates[0], example.location.file


def _resolve_all(
    conversions: dict[str, tuple[Registry, Conversion]], name: str, secids: Iterable[str]
) -> dict[str, Resolution]:
    resolutions = resolve_secids(sorted(set(secids)), quads_table(conversions[name][1].quads))
    return {resolution.secid: resolution for resolution in resolutions}


JSON_CASES = sorted(
    _json_cases(read_registry(JSON_CORPUS)) if JSON_CORPUS.is_dir() else [],
    key=lambda case: (case.secid, case.expected),
)
MARKDOWN_CASES = sorted(
    _markdown_cases(read_registry(MARKDOWN_CORPUS)) if MARKDOWN_CORPUS.is_dir() else []
)


CORPUS_MISSING = pytest.param(None, id="full-corpus-missing")
"""The one case where the full snapshot is missing: its fixture then skips (fails under CI)."""
CORPUS_MISSING_3 = pytest.param(None, None, None, id="full-corpus-missing")


@pytest.fixture(scope="module")
def json_resolutions(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> dict[str, Resolution]:
    return _resolve_all(corpus_conversions, "json", (case.secid for case in JSON_CASES))


@pytest.fixture(scope="module")
def markdown_resolutions(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> dict[str, Resolution]:
    return _resolve_all(corpus_conversions, "markdown", (secid for secid, _, _ in MARKDOWN_CASES))


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=f"{case.secid} -> {case.expected}") for case in JSON_CASES]
    or [CORPUS_MISSING],
)
def test_json_example_url_is_among_resolved_urls(
    case: Case, json_resolutions: dict[str, Resolution]
) -> None:
    resolution = json_resolutions[case.secid]
    urls = [resolved.url for resolved in resolution.urls]
    assert resolution.status == "found" and case.expected in urls, (
        f"{case.where}: {case.secid} should resolve to {case.expected}; "
        f"the graph gave {resolution.status} {urls}"
    )


def test_debian_years_come_from_the_range_table_and_a_year_qualifier_is_not_needed(
    json_resolutions: dict[str, Resolution],
) -> None:
    debian = [case for case in JSON_CASES if case.namespace == "advisory/debian.org"]
    assert len(debian) == 4
    assert all(
        case.expected in [r.url for r in json_resolutions[case.secid].urls] for case in debian
    )


def test_json_corpus_has_the_documented_number_of_examples(json_corpus: Path) -> None:
    per_namespace = Counter(case.namespace for case in JSON_CASES)
    assert sum(per_namespace.values()) == 216, per_namespace


def _markdown_param(case: tuple[str, str, str]) -> object:
    parts = parse_secid(case[0])
    source = format_secid(SecID(type=parts.type, namespace=parts.namespace, name=parts.name))
    gap = MARKDOWN_GAPS.get(case[0]) or MARKDOWN_GAPS.get(source)
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(*case, id=case[0], marks=marks)


@pytest.mark.parametrize(
    ("secid", "template", "where"),
    [_markdown_param(case) for case in MARKDOWN_CASES] or [CORPUS_MISSING_3],
)
def test_markdown_example_resolves_through_its_lookup_template(
    secid: str, template: str, where: str, markdown_resolutions: dict[str, Resolution]
) -> None:
    pattern = _template_pattern(template)
    urls = [resolved.url for resolved in markdown_resolutions[secid].urls]
    assert any(pattern.fullmatch(url) for url in urls), (
        f"{where}: {secid} should resolve through {template}; the graph gave {urls}"
    )


_BUILT_INS = {"id", "id_lower", "version", "item_version"}

DERIVED_CASES = [
    case
    for case in MARKDOWN_CASES
    if set(re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", case[1])) - _BUILT_INS
]
"""Markdown examples whose lookup template holds a placeholder that is no built-in: Markdown
declares no variables, so such a placeholder is filled, if at all, from the id pattern."""


@pytest.fixture(scope="module")
def twin_resolutions(
    corpus_conversions: dict[str, tuple[Registry, Conversion]],
) -> dict[str, Resolution]:
    """The same SecIDs resolved by the later registry, whose JSON twins declare variables."""
    return _resolve_all(corpus_conversions, "json", (secid for secid, _, _ in DERIVED_CASES))


def test_placeholders_filled_from_an_id_pattern_give_the_urls_of_the_json_twins(
    markdown_resolutions: dict[str, Resolution], twin_resolutions: dict[str, Resolution]
) -> None:
    filled: dict[str, list[str]] = {}
    for secid, template, _ in DERIVED_CASES:
        pattern = _template_pattern(template)
        urls = [r.url for r in markdown_resolutions[secid].urls if pattern.fullmatch(r.url)]
        if urls:
            filled[secid] = urls
    disagreeing = {
        secid: (urls, [r.url for r in twin_resolutions[secid].urls])
        for secid, urls in filled.items()
        if not set(urls) <= {r.url for r in twin_resolutions[secid].urls}
    }
    assert disagreeing == {}
    assert len(DERIVED_CASES) == 25
    assert sorted(filled) == [
        "secid:advisory/openssl.org/secadv#20240125",
        "secid:ttp/mitre.org/capec#CAPEC-242",
        "secid:ttp/mitre.org/capec#CAPEC-66",
        "secid:ttp/mitre.org/capec#CAPEC-86",
        "secid:weakness/mitre.org/cwe#CWE-1427",
        "secid:weakness/mitre.org/cwe#CWE-79",
        "secid:weakness/mitre.org/cwe#CWE-89",
    ]


# -- the shipped query on a real Oxigraph server ---------------------------------------------


def _server_sample(registry: Registry) -> list[str]:
    """At least 200 SecIDs: every example case, plus every fifth namespace and source."""
    named = [ns.secid for ns in registry.namespaces[::5]] + [
        source.secid for ns in registry.namespaces[::5] for source in ns.sources if source.secid
    ]
    return sorted({case.secid for case in JSON_CASES} | set(named))


def test_any_store_holding_the_export_resolves_as_the_command_does(
    corpus_conversions: dict[str, tuple[Registry, Conversion]], tmp_path: Path
) -> None:
    """A real Oxigraph server gives the same table through the shipped query.

    The command asking that server (namespace by namespace) answers as the embedded one.
    """
    registry, conversion = corpus_conversions["json"]
    secids = _server_sample(registry)
    assert len(secids) >= 200
    server = OxigraphServer(tmp_path / "oxigraph")
    try:
        load_graphs(server.store_url, split_graphs(conversion.quads))
        remote = table_from_store(lambda q: query_endpoint(server.query_url, q, timeout=120))
        cli = CliRunner().invoke(
            main, ["resolve", "--endpoint", server.query_url, "--format", "json", *secids]
        )
    finally:
        server.stop()
    embedded = quads_table(conversion.quads)
    assert remote == embedded
    local = CliRunner().invoke(
        main, ["resolve", str(JSON_CORPUS), "--no-cache", "-q", "--format", "json", *secids]
    )
    assert json.loads(cli.stdout) == json.loads(local.stdout)
    answered = json.loads(local.stdout)
    assert sum(1 for record in answered if record["urls"]) >= 200
