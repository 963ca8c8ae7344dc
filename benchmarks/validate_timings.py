"""Time ``secid-rdf validate`` as a user meets it: a new process per call, wall and CPU time.

Three stages per registry: the whole registry (what CI runs), and the pre-commit form
``validate REGISTRY FILE...`` with a few files, first with an empty cache (the index of
the rest of the registry is built and cached) and then again (the cached index). CPU time
is the child process's user + system time; the load average at the end of the stage is in
the note, since on a busy machine the wall time is longer than the CPU time.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from resolve_timings import timed_process

__all__ = ["CHANGED_FILES", "changed_files", "validate_stages"]

CHANGED_FILES = 3
"""Files given to the pre-commit form: about what one commit to the registry changes."""

_COMMAND = [sys.executable, "-c", "from secid_rdf.cli import main; main()", "validate"]


def changed_files(path: Path, count: int = CHANGED_FILES) -> list[Path]:
    """``count`` namespace files spread over the registry (JSON and Markdown alike)."""
    files = sorted(
        p
        for p in path.rglob("*")
        if p.suffix in {".json", ".md"} and p.parent != path and not p.name.startswith(("_", "."))
    )
    step = max(1, len(files) // count)
    return files[step // 2 :: step][:count]


def validate_stages(path: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Per stage, (wall, CPU) seconds of each run."""
    files = [str(file) for file in changed_files(path)]
    stages: dict[str, list[tuple[float, float]]] = {
        "validate:full": [],
        "validate:files:cold": [],
        "validate:files:cached": [],
    }
    command = [*_COMMAND, "--format", "json", str(path)]
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="secid-bench-cache-") as cache:
            stages["validate:full"].append(timed_process(command, cache))
            stages["validate:files:cold"].append(timed_process([*command, *files], cache))
            stages["validate:files:cached"].append(timed_process([*command, *files], cache))
    return stages
