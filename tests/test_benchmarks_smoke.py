"""The benchmark script runs end to end on a tiny synthetic registry and reports every stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_benchmark_measures_every_stage_and_prints_the_ratio(tmp_path: Path) -> None:
    """Each stage gets a time and a triple count; the table ends with the export/rdflib ratio."""
    out = tmp_path / "bench.json"
    exports = tmp_path / "exports"
    exports.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--no-corpora",
            "--synthetic",
            "12",
            "--runs",
            "2",
            "--skip",
            "validate",
            "--json",
            str(out),
            "--export-dir",
            str(exports),
            "--settle",
            "0",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "synthetic-12: export / rdflib(turtle + json-ld) = " in done.stdout
    report = json.loads(out.read_text())
    stages = {m["stage"]: m for m in report["results"]}
    expected = {
        "generate",
        "read",
        "convert",
        "rdflib:turtle",
        "rdflib:json-ld",
        "export",
        "export:no-pages",
    }
    assert expected <= set(stages), sorted(stages)
    assert any(name.startswith("serialize:") for name in stages)
    for name, measured in stages.items():
        assert measured["median"] is not None and measured["median"] > 0, (name, measured["note"])
        if name != "generate" and not name.startswith(("resolve:", "validate:")):
            assert measured["triples"] > 0, name
    assert {"resolve:cold", "resolve:cached", "resolve:1000"} <= set(stages)
    assert stages["resolve:1000"]["note"].startswith("cpu ")
    assert {"validate:full", "validate:files:cold", "validate:files:cached"} <= set(stages)
    assert "synthetic-12: validate:files:cached = " in done.stdout
    assert "(target <= 0.5 s)" in done.stdout
    assert "synthetic-12: resolve:1000 = " in done.stdout
    assert "(target <= 1.0 s cpu: " in done.stdout
    assert "synthetic-12: resolve:cached = " in done.stdout
    assert report["ratios"]["synthetic-12"] > 0
    assert len(stages["export"]["seconds"]) == 2
    assert stages["export"]["note"].startswith("new file: "), "the disk's cost per file is shown"
    assert list(exports.iterdir()) == [], "the export folders are removed at the end"
