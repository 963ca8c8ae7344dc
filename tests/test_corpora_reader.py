"""Acceptance: both real registry snapshots read cleanly, with the documented counts.

The expected numbers come from ``../shared/secid-format.md`` section 5. SecIDs are checked
against an independent scan of the raw files (plain ``yaml``/``json`` and Python's own
regex parser), not against the reader's own helpers.
"""

from __future__ import annotations

import json
import re
import re._parser as sre_parse  # the standard library's regex parser, used as an oracle
from collections import Counter
from pathlib import Path

import pytest
import yaml

from secid_rdf.model import MatchNode, Namespace, Registry
from secid_rdf.read.registry import read_registry
from secid_rdf.read.stats import registry_stats

_LITERAL = sre_parse.LITERAL
_AT = sre_parse.AT


@pytest.fixture(scope="module")
def markdown_registry(markdown_corpus: Path) -> Registry:
    return read_registry(markdown_corpus)


@pytest.fixture(scope="module")
def json_registry(json_corpus: Path) -> Registry:
    return read_registry(json_corpus)


def test_both_corpora_read_without_errors_or_warnings(
    markdown_registry: Registry, json_registry: Registry
) -> None:
    assert [str(f) for f in markdown_registry.findings] == []
    assert [str(f) for f in json_registry.findings] == []


def test_markdown_corpus_counts(markdown_registry: Registry) -> None:
    stats = registry_stats(markdown_registry)
    expected_files = {
        "advisory": 42,
        "control": 25,
        "reference": 21,
        "entity": 13,
        "weakness": 13,
        "regulation": 4,
        "ttp": 4,
    }
    assert {
        t: n for (t, fmt), n in stats.files.items() if fmt == "markdown" and n
    } == expected_files
    assert sum(stats.files.values()) == 122
    assert stats.distinct_namespaces["markdown"] == 100
    assert stats.sources == Counter({"markdown sources": 170, "markdown names": 38})
    assert stats.types == (
        "advisory",
        "control",
        "entity",
        "reference",
        "regulation",
        "ttp",
        "weakness",
    )


def test_json_corpus_counts(json_registry: Registry) -> None:
    stats = registry_stats(json_registry)
    expected_files = {
        "disclosure": 486,
        "entity": 215,
        "control": 208,
        "reference": 171,
        "advisory": 56,
        "capability": 54,
        "regulation": 49,
        "methodology": 23,
        "weakness": 13,
        "ttp": 4,
    }
    assert {t: n for (t, fmt), n in stats.files.items() if fmt == "json" and n} == expected_files
    assert stats.files_by_format() == Counter({"json": 1279, "markdown": 122})
    assert stats.distinct_namespaces["json"] == 864
    assert stats.match_nodes == Counter({0: 1857, 1: 211, 2: 5})
    assert stats.urls["json urls[]"] == 4587
    assert stats.twins == 121
    assert len(stats.types) == 10


def _is_literal(regex: str) -> str | None:
    """The string a regex matches when it is only anchors and literal characters."""
    parsed = sre_parse.parse(regex)
    items = list(parsed)
    if items and items[0][0] is _AT:
        items = items[1:]
    if items and items[-1][0] is _AT:
        items = items[:-1]
    if not items or any(op is not _LITERAL for op, _ in items):
        return None
    return "".join(chr(code) for _, code in items)


def _raw_secids(root: Path, skip: set[Path] | None = None) -> set[str]:
    """SecIDs of namespaces and literal name-level entries, straight from the files."""
    found: set[str] = set()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path in (skip or set())
            or len(rel.parts) < 2
            or any(part.startswith(("_", ".")) for part in rel.parts)
        ):
            continue
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            names = []
            for node in data.get("match_nodes") or []:
                # the first pattern names the node; later aliases may be regexes
                first = _is_literal(node["patterns"][0]) if node["patterns"] else None
                if first is not None:
                    names.append(first)
        elif path.suffix == ".md" and path.stem not in {"README", "INDEX"}:
            text = path.read_text(encoding="utf-8")
            if not text.startswith("---\n"):
                continue
            data = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
            names = [str(k) for key in ("sources", "names") for k in (data.get(key) or {})]
        else:
            continue
        base = f"secid:{data['type']}/{data['namespace']}"
        found.add(base)
        found.update(f"{base}/{name}" for name in names)
    return found


def _model_secids(registry: Registry) -> set[str]:
    found: set[str] = set()
    for namespace in registry.namespaces:
        found.add(namespace.secid)
        found.update(source.secid for source in namespace.sources if source.secid)
    return found


def _case_folded(secids: set[str]) -> set[str]:
    """Twins match names ignoring case (JSON patterns are case-insensitive)."""
    return {s.casefold() for s in secids}


def test_markdown_corpus_secids_match_the_files(
    markdown_corpus: Path, markdown_registry: Registry
) -> None:
    assert _model_secids(markdown_registry) == _raw_secids(markdown_corpus)


def test_json_corpus_secids_match_the_files(json_corpus: Path, json_registry: Registry) -> None:
    twins = {path.with_suffix(".md") for path in json_corpus.rglob("*.json")}
    raw = _raw_secids(json_corpus, skip=twins)
    model = _model_secids(json_registry)
    assert _case_folded(raw) == _case_folded(model)
    for namespace in json_registry.namespaces:
        for source in namespace.sources:
            if source.name is not None:
                assert source.secid == f"secid:{namespace.type}/{namespace.namespace}/{source.name}"


def test_markdown_twin_names_land_on_json_nodes(json_corpus: Path, json_registry: Registry) -> None:
    """The JSON file is the record: a twin's Markdown name merges into its JSON node.

    The node is the one with that literal name, at name level or (Red Hat's OpenShift
    offerings) one below.
    """
    twins = [
        path.with_suffix(".md")
        for path in json_corpus.glob("*/**/*.json")
        if path.with_suffix(".md").exists()
    ]
    merged = {ns.files[-1]: ns for ns in json_registry.namespaces if ns.format == "json+markdown"}
    assert len(twins) == len(merged) == 121
    below_name_level = []
    for path in twins:
        namespace = merged[path.relative_to(json_corpus).as_posix()]
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text[4:].split("\n---\n", 1)[0])
        names = [str(k) for key in ("sources", "names") for k in (data.get(key) or {})]
        level0 = {(s.name or "").casefold() for s in namespace.sources}
        level1 = {
            (_is_literal(child.patterns[0].regex) or "").casefold()
            for source in namespace.sources
            for child in source.children
        }
        for name in names:
            if name.casefold() not in level0:
                assert name.casefold() in level1, (path, name)
                below_name_level.append(f"{namespace.namespace}/{name}")
    assert sorted(below_name_level) == [
        "redhat.com/aro",
        "redhat.com/openshift-container-platform",
        "redhat.com/openshift-dedicated",
        "redhat.com/rosa",
    ]


def _model_strings(value: object, into: set[str]) -> set[str]:
    """Every string in a model object, including keys and values kept as extras."""
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, tuple):
        for item in value:
            _model_strings(item, into)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _model_strings(getattr(value, name), into)
        if hasattr(value, "value_json"):
            _json_strings(json.loads(value.value_json), into)
    return into


def _json_strings(value: object, into: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(str(key))
            _json_strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, into)
    elif value is not None:
        into.add(str(value))


def _yaml_leaves(value: object, path: str = "") -> list[tuple[str, str]]:
    """(path, text) for every scalar and every mapping key of a YAML value."""
    if isinstance(value, dict):
        leaves = []
        for key, item in value.items():
            leaves.append((f"{path}.{key}", str(key)))
            leaves += _yaml_leaves(item, f"{path}.{key}")
        return leaves
    if isinstance(value, list):
        return [
            leaf
            for index, item in enumerate(value)
            for leaf in _yaml_leaves(item, f"{path}[{index}]")
        ]
    return [(path, str(value))]


_MODEL_FIELD_NAMES = {
    "full_name",
    "website",
    "sources",
    "urls",
    "examples",
    "type",
    "namespace",
    "operator",
    "status",
}


def test_seed_round_trips(bundled_registry: Path) -> None:
    seed_path = bundled_registry / "reference" / "aisi.md"
    text = seed_path.read_text(encoding="utf-8")
    frontmatter = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    namespace: Namespace = next(
        ns
        for ns in read_registry(bundled_registry).namespaces
        if ns.files == ("reference/aisi.md",)
    )
    reachable = _model_strings(namespace, set())
    reachable.update(url.kind for url in _all_urls(namespace))
    unreached = [
        (path, leaf)
        for path, leaf in _yaml_leaves(frontmatter)
        if leaf not in reachable and leaf not in _MODEL_FIELD_NAMES
    ]
    assert unreached == []
    assert namespace.secid == "secid:reference/aisi"
    assert [s.name for s in namespace.sources] == list(frontmatter["sources"])
    assert len(_all_urls(namespace)) == 1 + sum(
        len(s["urls"]) for s in frontmatter["sources"].values()
    )
    assert "## uk" not in (namespace.prose or "")
    assert all(source.prose for source in namespace.sources)


def _all_urls(namespace: Namespace) -> list:
    urls = list(namespace.urls)

    def walk(node: MatchNode) -> None:
        urls.extend(node.urls)
        for child in node.children:
            walk(child)

    for source in namespace.sources:
        walk(source)
    return urls


def test_every_model_object_has_a_line(json_registry: Registry) -> None:
    missing = []

    def check(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                check(item)
        elif hasattr(value, "__dataclass_fields__"):
            location = getattr(value, "location", None)
            if location is not None and location.line is None:
                missing.append(value)
            for name in value.__dataclass_fields__:
                if name not in {"location", "field_locations"}:
                    check(getattr(value, name))

    check(json_registry.namespaces)
    assert missing == []


@pytest.mark.parametrize("rel", ["disclosure/com/microsoft.json", "weakness/org/owasp.json"])
def test_json_lines_point_at_the_keys(json_corpus: Path, json_registry: Registry, rel: str) -> None:
    file_lines = (json_corpus / rel).read_text(encoding="utf-8").splitlines()
    namespace = next(ns for ns in json_registry.namespaces if ns.files[0] == rel)
    assert file_lines[namespace.location.line - 1].lstrip().startswith('"namespace"')
    for url in namespace.urls:  # a URL object is located at its url key
        assert '"url"' in file_lines[url.location.line - 1]
    for source in namespace.sources:
        for extra in source.extras:
            key = re.escape(extra.path.rsplit(".", 1)[-1])
            lines = (json_corpus / extra.location.file).read_text(encoding="utf-8").splitlines()
            assert re.search(rf'"?{key}"?\s*:', lines[extra.location.line - 1])
