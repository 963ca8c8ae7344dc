"""``secid-rdf stats``: the counts, their order, and the exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.read.registry import read_registry
from secid_rdf.read.stats import registry_stats

BUNDLED_STATS = [
    "types: 5 (advisory, control, entity, reference, weakness)",
    "namespace files: 8 (json 3, markdown 5)",
    "  advisory: 0 json, 1 markdown",
    "  control: 0 json, 1 markdown",
    "  entity: 1 json, 1 markdown",
    "  reference: 0 json, 1 markdown",
    "  weakness: 2 json, 1 markdown",
    "namespaces: 7 (1 from a JSON and Markdown twin pair)",
    "distinct namespace names: 5 (json 2, markdown 4)",
    (
        "sources: 13 (json match_nodes 4, markdown names 3, markdown sources 6);"
        " with a literal name: 13"
    ),
    "match nodes: 7 (depth 0: 4, depth 1: 2, depth 2: 1)",
    "urls: 27 (json urls[] 9, markdown urls 18)",
    "url templates: 2 (json data.url 1, markdown urls with placeholders 1)",
    "patterns: 12 (json match pattern 9, markdown id_pattern 3)",
    "examples: 13 (json 5, markdown 8)",
    "versions: 6 (json 4, markdown 2)",
    "variables: 1",
    "extra keys: 2",
    "  format: 1",
    "  schema_version: 1",
    "findings: 0 errors, 0 warnings",
]


def test_bundled_registry_stats(bundled_registry: Path) -> None:
    assert registry_stats(read_registry(bundled_registry)).lines() == BUNDLED_STATS


def test_stats_command_prints_counts_and_exits_0(bundled_registry: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(bundled_registry)])
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout.splitlines()
    assert out[0] == f"registry: {bundled_registry.resolve()}"
    assert out[1].startswith("commit: ")
    assert out[2:] == BUNDLED_STATS


def test_stats_defaults_to_the_bundled_registry(bundled_registry: Path) -> None:
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"registry: {bundled_registry.resolve()}"


def test_extra_keys_are_counted_by_generic_path(tmp_path: Path) -> None:
    for name in ("a", "b"):
        path = tmp_path / "advisory" / "org" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntype: advisory\nnamespace: {name}.org\nfull_name: X\nchecked: '2026-01-01'\n"
            "sources:\n  one:\n    full_name: One\n    id_pattern_note: n\n"
            "  two:\n    full_name: Two\n    id_pattern_note: n\n---\n",
            encoding="utf-8",
        )
    stats = registry_stats(read_registry(tmp_path))
    assert stats.extras == Counter({"sources.*.id_pattern_note": 4, "checked": 2})
    assert stats.lines()[-4:-1] == [
        "extra keys: 6",
        "  checked: 2",
        "  sources.*.id_pattern_note: 4",
    ]


def test_stats_output_is_the_same_under_any_hash_seed(bundled_registry: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [
                sys.executable,
                "-c",
                "from secid_rdf.cli import main; main()",
                "stats",
                str(bundled_registry),
            ],
            capture_output=True,
            env=environment,
            check=True,
        )
        outputs.add(completed.stdout)
    assert len(outputs) == 1
