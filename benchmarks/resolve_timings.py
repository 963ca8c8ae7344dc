"""Time ``secid-rdf resolve`` as a user meets it: a new process per call, wall and CPU time.

Three stages per registry: one SecID with an empty cache (the registry is converted and its
table cached), one SecID again (the cached table), and 1,000 SecIDs read from standard
input (cached). CPU time is the child process's user + system time, so other load on the
machine does not count. The SecIDs are the registry's own sources and examples.

The child runs with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` removed from
its environment), as an installed package runs: compiling secid-rdf's modules again in
every process would add about 0.2 s to each call that no user pays.

Run alone, it prints each stage beside its target::

    .venv/bin/python benchmarks/resolve_timings.py ../shared/corpora/secid-7df975b/registry
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["BATCH", "TARGETS", "resolve_stages", "sample_secids", "target_line", "timed_process"]

BATCH = 1000
"""SecIDs resolved in one call by the batch stage."""

TARGETS = {
    "resolve:cached": ("wall", 0.5),
    f"resolve:{BATCH}": ("cpu", 1.0),
}
"""Per stage, the figure held to a target and its bound in seconds (issue #15): a cached
call answers one SecID in under 0.5 s wall; 1,000 SecIDs take at most the official
resolver's CPU time, about 1.0 s on the benchmark machine, registry compilation included."""

_COMMAND = [sys.executable, "-c", "from secid_rdf.cli import main; main()", "resolve", "-q"]


def sample_secids(path: Path, count: int = BATCH) -> list[str]:
    """``count`` SecIDs of the registry: its sources, then example items, repeated as needed."""
    from secid_rdf.read.registry import read_registry

    found: list[str] = []
    for namespace in read_registry(path).namespaces:
        for source in namespace.sources:
            if source.secid:
                found.append(source.secid)
                found += [
                    f"{source.secid}#{example.value}"
                    for node in (source, *source.children)
                    for example in node.examples
                    if not example.is_secid
                ]
            found += [example.value for example in source.examples if example.is_secid]
    if not found:
        found = [namespace.secid for namespace in read_registry(path).namespaces]
    return list(itertools.islice(itertools.cycle(found), count))


def _run(path: Path, secids: list[str], cache: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``resolve`` process."""
    return timed_process([*_COMMAND, str(path), "-"], cache, stdin="\n".join(secids))


def timed_process(command: list[str], cache: str, *, stdin: str = "") -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process, with ``cache`` as its cache folder."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**_environment(), "XDG_CACHE_HOME": cache},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _environment() -> dict[str, str]:
    """This process's environment with the bytecode cache allowed (see the module's note)."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def target_line(stage: str, wall: float, cpu: float) -> str | None:
    """The stage's figure beside its target, met or missed; ``None`` for a stage without one."""
    if stage not in TARGETS:
        return None
    kind, bound = TARGETS[stage]
    value = wall if kind == "wall" else cpu
    verdict = "met" if value <= bound else "MISSED"
    return f"{stage} = {value:.3f} s {kind}  (target <= {bound} s {kind}: {verdict})"


def resolve_stages(path: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Per stage, (wall, CPU) seconds of each run: ``resolve:cold``, ``:cached``, ``:1000``."""
    secids = sample_secids(path)
    stages: dict[str, list[tuple[float, float]]] = {
        "resolve:cold": [],
        "resolve:cached": [],
        f"resolve:{BATCH}": [],
    }
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="secid-bench-cache-") as cache:
            stages["resolve:cold"].append(_run(path, secids[:1], cache))
            stages["resolve:cached"].append(_run(path, secids[:1], cache))
            stages[f"resolve:{BATCH}"].append(_run(path, secids, cache))
    return stages


def main() -> None:
    """Print each stage's median wall and CPU time, and the targets met or missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    sys.stdout.write(f"{args.registry}, {args.runs} runs, load average {load}\n")
    for stage, timings in resolve_stages(args.registry, args.runs).items():
        wall = statistics.median(w for w, _ in timings)
        cpu = statistics.median(c for _, c in timings)
        sys.stdout.write(f"{stage:16} wall {wall:.3f} s  cpu {cpu:.3f} s\n")
        line = target_line(stage, wall, cpu)
        if line is not None:
            sys.stdout.write(f"  {line}\n")


if __name__ == "__main__":
    main()
