"""The synthetic registry generator: deterministic, the size asked for, and valid input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from secid_rdf.convert.builder import registry_to_graph
from secid_rdf.findings import Severity
from secid_rdf.read.registry import read_registry
from secid_rdf.testing.synthetic import write_synthetic_registry
from secid_rdf.testing.synthetic_content import iter_synthetic_namespaces, namespace_file_path
from secid_rdf.validate.shacl import validate_registry

N = 150


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _namespace_files(root: Path) -> list[Path]:
    """Namespace files only: below a type folder, not templates."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.parent != root and not p.name.startswith("_")
    )


def _frontmatter(path: Path) -> dict[str, object]:
    """The YAML frontmatter of a Markdown namespace file."""
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.removeprefix("---\n").partition("\n---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict), path
    return loaded


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic registry of both formats, shared by the checks below."""
    dest = tmp_path_factory.mktemp("synthetic")
    write_synthetic_registry(dest, N, seed=7)
    return dest


def test_same_seed_gives_identical_bytes_under_any_hash_seed(
    tmp_path: Path, synthetic: Path
) -> None:
    """Output depends on the seed only: not on the run or on PYTHONHASHSEED."""
    for hash_seed in ("1", "2"):
        dest = tmp_path / hash_seed
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run(
            [sys.executable, "-m", "secid_rdf.testing.synthetic", str(dest), str(N), "--seed", "7"],
            check=True,
            env=env,
            capture_output=True,
        )
        assert _snapshot(dest) == _snapshot(synthetic)


def test_another_seed_gives_another_registry(tmp_path: Path, synthetic: Path) -> None:
    """The seed really changes the content."""
    write_synthetic_registry(tmp_path, N, seed=8)
    assert _snapshot(tmp_path) != _snapshot(synthetic)


def test_smaller_registry_is_the_start_of_a_larger_one() -> None:
    """Growing N adds namespaces and keeps the first ones, so sizes are comparable."""
    small = list(iter_synthetic_namespaces(40, seed=3))
    large = list(iter_synthetic_namespaces(400, seed=3))
    assert large[:40] == small


def test_writes_the_requested_number_of_distinct_namespaces(synthetic: Path) -> None:
    """Every planned namespace has its file(s) at the reverse-DNS path, and nothing else."""
    plans = list(iter_synthetic_namespaces(N, seed=7))
    assert len({(p.type, p.namespace) for p in plans}) == N
    expected = {
        namespace_file_path(p.type, p.namespace, ".json" if fmt == "json" else ".md").as_posix()
        for p in plans
        for fmt in p.formats
    }
    found = {p.relative_to(synthetic).as_posix() for p in _namespace_files(synthetic)}
    assert found == expected
    assert any(len(p.formats) == 2 for p in plans), "no Markdown/JSON twin at this size"


def test_one_format_only(tmp_path: Path) -> None:
    """``formats=("markdown",)`` writes Markdown files only."""
    write_synthetic_registry(tmp_path, 30, formats=("markdown",))
    files = _namespace_files(tmp_path)
    assert len(files) == 30
    assert {p.suffix for p in files} == {".md"}


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    """A misspelt format is an error, not an empty registry."""
    with pytest.raises(ValueError, match="formats"):
        write_synthetic_registry(tmp_path, 3, formats=("yaml",))


def test_files_hold_what_their_path_says(synthetic: Path) -> None:
    """Each file parses; its type and namespace fields agree with its reverse-DNS path."""
    for path in _namespace_files(synthetic):
        if path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            assert doc["schema_version"] == "1.0"
            assert doc["official_name"]
        else:
            doc = _frontmatter(path)
        expected = namespace_file_path(str(doc["type"]), str(doc["namespace"]), path.suffix)
        assert path.relative_to(synthetic) == expected


def _json_nodes(nodes: list[dict[str, object]], depth: int = 0):  # type: ignore[no-untyped-def]
    """Every match node with its depth."""
    for node in nodes:
        yield depth, node
        yield from _json_nodes(node.get("children", []), depth + 1)  # type: ignore[arg-type]


def test_json_examples_match_their_patterns_and_trees_reach_depth_two(tmp_path: Path) -> None:
    """Examples are valid for their own node, so validation of a synthetic registry is clean."""
    write_synthetic_registry(tmp_path, 600, formats=("json",))
    depths: set[int] = set()
    variables = 0
    for path in _namespace_files(tmp_path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for depth, node in _json_nodes(doc["match_nodes"]):
            depths.add(depth)
            data = node["data"]
            variables += bool(data.get("variables"))
            patterns = [re.compile(p) for p in node["patterns"]]
            for example in data.get("examples", []):
                if depth > 0 or isinstance(example, dict):
                    value = example["input"] if isinstance(example, dict) else example
                    assert any(p.fullmatch(value) for p in patterns), (path, value)
    assert depths == {0, 1, 2}
    assert variables > 0


def test_markdown_examples_are_secids_of_their_own_source(synthetic: Path) -> None:
    """Markdown examples name their own type/namespace/source and match its id_pattern."""
    for path in _namespace_files(synthetic):
        if path.suffix != ".md":
            continue
        doc = _frontmatter(path)
        for key, source in (doc.get("sources") or {}).items():  # type: ignore[union-attr]
            prefix = f"secid:{doc['type']}/{doc['namespace']}/{key}"
            patterns = [p["pattern"] for p in source.get("id_patterns", [])]
            patterns += [source["id_pattern"]] if "id_pattern" in source else []
            for example in source.get("examples", []):
                assert example.startswith(prefix), (path, example)
                subpath = example.partition("#")[2]
                if subpath:
                    assert any(re.fullmatch(p, subpath) for p in patterns), (path, example)


def test_reader_and_converter_take_it_without_findings(synthetic: Path) -> None:
    """Every synthetic namespace is read, with no error or warning, and converts cleanly."""
    registry = read_registry(synthetic)
    assert [str(f) for f in registry.findings] == []
    planned = {(p.type, p.namespace) for p in iter_synthetic_namespaces(N, seed=7)}
    assert {(ns.type, ns.namespace) for ns in registry.namespaces} == planned
    conversion = registry_to_graph(registry)
    assert [str(f) for f in conversion.findings if f.severity >= Severity.WARNING] == []
    assert 50 * N < len(conversion.quads) < 110 * N, "about 77 triples per namespace, as real"


def test_validation_finds_no_error(synthetic: Path) -> None:
    """The shapes accept the synthetic data, so ``validate`` benchmarks a passing run.

    Warnings are allowed: operators that name no entity namespace, as in the real registry.
    """
    validation = validate_registry(synthetic)
    assert [str(f) for f in validation.findings if f.severity >= Severity.ERROR] == []
