"""The corpus sample is real registry data, unchanged, and covers what the core tests need."""

from __future__ import annotations

import pytest
from conftest import (
    JSON_CORPUS,
    JSON_SAMPLE,
    MARKDOWN_CORPUS,
    MARKDOWN_SAMPLE,
    SAMPLE,
    require_corpus,
)

from secid_rdf.findings import Severity
from secid_rdf.model import MatchNode
from secid_rdf.read.registry import read_registry
from secid_rdf.read.stats import registry_stats

SAMPLES = {"markdown": (MARKDOWN_SAMPLE, MARKDOWN_CORPUS), "json": (JSON_SAMPLE, JSON_CORPUS)}


def _depth(node: MatchNode) -> int:
    return 1 + max((_depth(child) for child in node.children), default=0)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_files_are_the_snapshot_files_unchanged(name: str) -> None:
    sample, corpus = SAMPLES[name]
    snapshot = require_corpus(corpus)
    files = sorted(path for path in sample.rglob("*") if path.is_file())
    assert len(files) > 20
    for path in files:
        original = snapshot / path.relative_to(sample)
        assert path.read_bytes() == original.read_bytes(), f"{path} differs from {original}"


def test_sample_keeps_the_upstream_licence_note() -> None:
    assert "CC0 1.0 Universal" in (SAMPLE / "LICENSE-CC0.txt").read_text(encoding="utf-8")
    assert "LICENSE-CC0.txt" in (SAMPLE / "README.md").read_text(encoding="utf-8")


def test_markdown_sample_reads_cleanly_with_nested_namespace_paths() -> None:
    registry = read_registry(MARKDOWN_SAMPLE)
    assert [f for f in registry.findings if f.severity is Severity.ERROR] == []
    assert len(registry.namespaces) == 18
    assert {ns.type for ns in registry.namespaces} == {
        "advisory",
        "control",
        "entity",
        "reference",
        "regulation",
        "ttp",
        "weakness",
    }
    assert "github.com/llm-attacks" in {ns.namespace for ns in registry.namespaces}


def test_json_sample_has_twins_both_formats_and_nested_match_trees() -> None:
    registry = read_registry(JSON_SAMPLE)
    assert [f for f in registry.findings if f.severity is Severity.ERROR] == []
    stats = registry_stats(registry)
    assert (stats.namespaces, stats.twins) == (22, 13)
    depths = [_depth(source) for ns in registry.namespaces for source in ns.sources]
    assert max(depths) == 3


def test_samples_are_small() -> None:
    size = sum(path.stat().st_size for path in SAMPLE.rglob("*") if path.is_file())
    assert size < 600_000
