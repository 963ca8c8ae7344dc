"""Time ``secid-rdf diff`` of a one-line change as a reviewer meets it: a new process per call.

The registry is copied twice and one URL template of the second copy edited (the first
``"url": "https://...{...}"`` line found, in path order). Three stages: the diff with an
empty cache (every file parsed and cached), again (every file from the cache), and with
``--no-cache``. Wall and CPU time (the child's user + system time) of each run.

    .venv/bin/python benchmarks/diff_timings.py ../shared/corpora/secid-7df975b/registry --runs 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from resolve_timings import timed_process

__all__ = ["diff_stages", "edit_one_template"]

_COMMAND = [sys.executable, "-c", "from secid_rdf.cli import main; main()", "diff", "-q"]
_TEMPLATE = re.compile(r'("url": "https://[^"{]*)(\{[^"]*")')


def edit_one_template(registry: Path) -> str:
    """Change the first URL template line of ``registry`` in place; the file's path."""
    for path in sorted(registry.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        edited, count = _TEMPLATE.subn(r"\1edited/\2", text, count=1)
        if count:
            path.write_text(edited, encoding="utf-8")
            return str(path.relative_to(registry))
    raise SystemExit(f"no URL template line in {registry}")


def diff_stages(registry: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Per stage, (wall, CPU) seconds of each run: ``diff:cold``, ``:cached``, ``:no-cache``."""
    stages: dict[str, list[tuple[float, float]]] = {
        "diff:cold": [],
        "diff:cached": [],
        "diff:no-cache": [],
    }
    with tempfile.TemporaryDirectory(prefix="secid-bench-diff-") as work:
        old, new = Path(work) / "old", Path(work) / "new"
        shutil.copytree(registry, old)
        shutil.copytree(registry, new)
        sys.stderr.write(f"edited {edit_one_template(new)}\n")
        command = [*_COMMAND, str(old), str(new)]
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="secid-bench-cache-") as cache:
                stages["diff:cold"].append(timed_process(command, cache))
                stages["diff:cached"].append(timed_process(command, cache))
                stages["diff:no-cache"].append(timed_process([*command, "--no-cache"], cache))
    return stages


def main() -> None:
    """Print the median wall and CPU time of each stage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for stage, timings in diff_stages(args.registry, args.runs).items():
        wall = statistics.median(w for w, _ in timings)
        cpu = statistics.median(c for _, c in timings)
        sys.stdout.write(f"{stage:14} wall {wall:.2f} s  cpu {cpu:.2f} s  ({len(timings)} runs)\n")


if __name__ == "__main__":
    main()
