"""The same registry gives byte-identical export files whatever the hash seed and output folder.

Each run is a fresh process with its own ``PYTHONHASHSEED`` (the runs of one registry go side
by side).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import registry_path

RUNS = {
    "bundled": ("0", "1", "2"),
    "markdown-sample": ("0", "1"),
    "json-sample": ("0", "1"),
    "markdown": ("0", "1", "2"),
    "json": ("0", "1"),
}


def start_export(registry: Path, out: Path, seed: str) -> subprocess.Popen[bytes]:
    """Start an export in a new interpreter with ``PYTHONHASHSEED=seed``."""
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
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def files_of(out: Path) -> dict[str, bytes]:
    """Every file under ``out``, by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_export_bytes_do_not_depend_on_hash_seed(name: str, tmp_path: Path) -> None:
    registry = registry_path(name)
    runs = {seed: start_export(registry, tmp_path / f"seed-{seed}", seed) for seed in RUNS[name]}
    for seed, process in runs.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode in (0, 1), f"seed {seed}: {stderr.decode(errors='replace')}"
    first_seed, *other_seeds = RUNS[name]
    first = files_of(tmp_path / f"seed-{first_seed}")
    assert "secid.ttl" in first and "void.ttl" in first
    for seed in other_seeds:
        other = files_of(tmp_path / f"seed-{seed}")
        assert sorted(other) == sorted(first), f"PYTHONHASHSEED={seed} wrote other files"
        differing = [path for path in first if other[path] != first[path]]
        assert not differing, f"PYTHONHASHSEED={seed} changed the bytes of {differing[:5]}"
