"""The same registry gives byte-identical export files whatever the hash seed and the output
folder: each run is a fresh process with its own ``PYTHONHASHSEED``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNS = {"bundled": ("0", "1", "2"), "markdown": ("0", "1", "2"), "json": ("0", "1")}


def run_export(registry: Path, out: Path, seed: str) -> dict[str, bytes]:
    """Export in a new interpreter with ``PYTHONHASHSEED=seed``; every file's bytes by path."""
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    command = [
        sys.executable,
        "-c",
        "from secid_rdf.cli import main; main()",
        "export",
        str(registry),
        "--out",
        str(out),
    ]
    completed = subprocess.run(command, env=environment, capture_output=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr.decode(errors="replace")
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_export_bytes_do_not_depend_on_hash_seed(
    name: str,
    tmp_path: Path,
    bundled_registry: Path,
    markdown_corpus: Path,
    json_corpus: Path,
) -> None:
    registry = {"bundled": bundled_registry, "markdown": markdown_corpus, "json": json_corpus}[name]
    first_seed, *other_seeds = RUNS[name]
    first = run_export(registry, tmp_path / f"seed-{first_seed}", first_seed)
    assert "secid.ttl" in first and "void.ttl" in first
    for seed in other_seeds:
        other = run_export(registry, tmp_path / f"seed-{seed}", seed)
        assert sorted(other) == sorted(first), f"PYTHONHASHSEED={seed} wrote other files"
        differing = [path for path in first if other[path] != first[path]]
        assert not differing, f"PYTHONHASHSEED={seed} changed the bytes of {differing[:5]}"
